"""The proeftuin monitor: aggregate indicators of the pilot's way of working, privacy-protected.

Pure parts: :mod:`hub.monitor.indicators` (what is counted, from plain frames of cases and
guides) and :mod:`hub.monitor.suppression` (primary and secondary cell suppression).
:mod:`hub.monitor.report` combines them into the one published table; :mod:`hub.monitor.source`
reads the frames from the store. Nothing with a person or household id leaves
:func:`hub.monitor.report.monitor_table`.
"""
