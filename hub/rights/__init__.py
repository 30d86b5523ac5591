"""The family's rights: access reports (GDPR art. 15, NEN 7513) and what they are built from."""
