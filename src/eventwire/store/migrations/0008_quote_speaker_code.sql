-- eventwire store, schema version 8: quotes by the speaker's actor code (a code
-- prefix is an index range), with the folded speaker name to filter in the index.
CREATE INDEX quotes_speaker_code ON quotes(speaker_code, speaker_norm, article);
