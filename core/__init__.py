"""Cross-cutting building blocks below every app: base model, errors, API plumbing."""
