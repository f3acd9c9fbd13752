ALTER TABLE instance DROP COLUMN private_key;
ALTER TABLE instance DROP COLUMN public_key;
