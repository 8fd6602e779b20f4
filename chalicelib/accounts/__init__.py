"""Who is signed in: sign-in links, sessions, CSRF and rate limits."""
