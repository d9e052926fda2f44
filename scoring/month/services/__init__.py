"""Writes of the month (docs/RULES.md §2): open, score, adjust, decide, publish, appeal, lock,
reopen.

Every write is atomic, keyword-only, locks the period row (``select_for_update``) before it
reads what it checks, and records an `AuditEntry` in the same transaction. Refusals raise the
exceptions of `scoring.errors`, whose message is ready to show.

``user=None`` is the command line, which acts as an administrator (docs/RULES.md §2, §5). The web
passes ``enforce_phase=True`` (the default): each step only from its phase until its deadline.
The command line passes ``enforce_phase=False``: any phase before the decision, and a peer may
be any other member of the ratee's unit.

Choices the spec left open:
- A step (self, peer, supervisor) opens with its phase and stays open in the later phases
  before the decision until its deadline. A late step is reopened by a head of the scope
  moving its deadline (`period_reopen_step`, audited with a reason).
- Only submitted scorecards count in a decision; a submitted scorecard can still be edited while
  its step is open, and stays submitted.
- Adjustments belong to the supervisor step: on the web they are accepted only while that step
  is open, exactly like supervisor scores; the command line imports them before the decision.
- An accepted appeal (confirmed) opens a `Correction` for the appellant alone: only their
  supervisor scorecard and adjustments become writable, by their own supervisor
  (`corrections.appeal_supervisors`), while the period stays published. Deciding again
  (`correction_decide`) writes a `Revision` listing every result that changed; nobody else's
  scores are recomputed, they move only through the quota, ranks and pools
  (docs/RULES.md §2).
- A period locks only after its appeals window (the command line may lock earlier) and never
  while an appeal waits for its answer.
"""
