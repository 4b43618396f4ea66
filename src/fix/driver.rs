//! `paved lint --fix`: apply fixes in passes, each verified by linting again.
