"""The memory and the rules: settings, database models, metrics, quota math, safety policy, costs, audit."""
