"""The fitted model in a few printable lines (``hub link`` prints them; no personal data)."""

from typing import Any

SHOWN_FIELDS = ("first_name", "surname", "birth_date", "bsn", "address", "sex")


def model_lines(model: dict[str, Any]) -> list[str]:
    """Prior, per-field weights per level, and each EM session's outcome, as text lines.

    ``model`` is ``LinkResult.stats["model"]``. Levels are printed strongest first with their
    weight in bits (log2 m/u), so a reader sees at once whether exact beats fuzzy.
    """
    if not model:
        return []
    lines = [f"model: prior {model.get('prior_weight', 0):+.1f} bits, family guards "
             f"{model.get('family_guards')}, names together {model.get('names_together', 0):+.2f}"]
    for name in SHOWN_FIELDS:
        levels = model.get(name)
        if not levels:
            continue
        parts = [f"{level} {values['weight']:+.1f}" for level, values in reversed(levels.items())]
        lines.append(f"  {name}: " + ", ".join(parts))
    for session in model.get("em_sessions", []):
        outcome = session.get("degenerate") or ", ".join(session.get("fields", [])) or "-"
        flat = session.get("degenerate_fields")
        lines.append(f"  EM {session['rule']}: {session['pairs']} pairs, lambda "
                     f"{session['lambda']:.3f}, {session['iterations']} iterations -> {outcome}"
                     + (f" (flat, not used: {', '.join(flat)})" if flat else ""))
    return lines
