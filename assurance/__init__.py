"""Revenue assurance: reconciliation controls, leakage findings, KPIs."""
