"""Quality: inspection plans, checks, quality gates, nonconformances, lot holds, Pareto and SPC."""
