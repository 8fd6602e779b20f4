"""One small adapter per outside service (S3, SQS, Resend, OpenAI, Stripe), speaking the
project's terms; SDK clients are built lazily by cached getters."""
