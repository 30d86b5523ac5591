"""Whether the schedule and sensors start by themselves: only where ``HUB_AUTOMATION`` says so.

In development (``make demo``, ``make ui``) a nightly schedule or a drop-folder sensor firing in
the middle of a demo is a surprise, so they start STOPPED and can be switched on in the UI.
Production sets ``HUB_AUTOMATION=on`` and they start RUNNING when the code location loads.
"""

import os

import dagster as dg

ON_VALUES = {"1", "on", "true", "yes"}


def automation_on() -> bool:
    return os.environ.get("HUB_AUTOMATION", "").strip().lower() in ON_VALUES


def schedule_status() -> dg.DefaultScheduleStatus:
    return dg.DefaultScheduleStatus.RUNNING if automation_on() else dg.DefaultScheduleStatus.STOPPED


def sensor_status() -> dg.DefaultSensorStatus:
    return dg.DefaultSensorStatus.RUNNING if automation_on() else dg.DefaultSensorStatus.STOPPED
