-- Expand: the new column, nullable, so code that does not know it keeps working.
ALTER TABLE messages ADD COLUMN recipient_id TEXT;
