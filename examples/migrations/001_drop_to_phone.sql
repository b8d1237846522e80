-- Contract: the point of no return. The old column and its data are gone afterwards.
ALTER TABLE messages DROP COLUMN to_phone;
