-- The instance actor (type Application) signs fetches and forwarded reports.
ALTER TABLE instance ADD COLUMN public_key TEXT;
ALTER TABLE instance ADD COLUMN private_key TEXT;
