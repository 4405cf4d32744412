"""The burden dashboard (seed rule 2: −50%), per school and term (学期, `terms.term_of`, `terms.parse_term`).

For pages: `service.city_burden`, `service.school_burden`, `service.city_history`, `service.school_history`
(each checks the principal), `service.compute` (no check), `service.set_baseline` / `list_baselines`.
"""
