"""A council's returns once they are sent: loading a checked file as a new version
(`ingest`, with the strategy it is checked against held in the store by `spec_cache`),
the questions a large change raises first (`review`), sending from the upload page
(`send`), each version's history and restore (`versions`), its receipt (`receipts`),
and the one writer of the return's CSV format (`export`)."""
