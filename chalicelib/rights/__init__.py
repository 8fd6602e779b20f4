"""The person's rights over their data: erasure, the data export's requests, the privacy
policy."""
