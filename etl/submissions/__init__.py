"""A council's returns once they are sent: loading a checked file as a new version
(`ingest`), the questions a large change raises first (`review`), and each version's
receipt and figures (`receipts`)."""
