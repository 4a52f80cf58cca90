"""teamcat: one YAML team catalog drives PagerDuty, Harness and Okta."""
