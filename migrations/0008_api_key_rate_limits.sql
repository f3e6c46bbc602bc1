-- An admin can give an integration's key its own request limit (per rate-limit window); null means the default.
ALTER TABLE api_keys ADD COLUMN rate_limit int CHECK (rate_limit BETWEEN 1 AND 1000000);
