//! Uploads waiting for a person's confirmation: the `/import` page checks a file (a dry run)
//! and keeps its bytes here, under a random token bound to the account that uploaded it, until
//! the same account confirms (the file is then checked again and stored through the same use
//! case) or the upload expires.
//!
//! In memory only, and small: an upload expires [`STAGED_FOR`] after it was checked; an account
//! has at most one waiting (a new upload replaces it); at most [`MAX_STAGED`] uploads and
//! [`MAX_STAGED_BYTES`] bytes wait in all (past that, the oldest are forgotten first). **A
//! restart forgets every staged upload**: the person is asked to upload the file again, and
//! nothing was stored meanwhile. Several servers behind one address would need sticky sessions
//! for the confirmation to reach the server that holds the file.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::body::Bytes;

/// How long a checked upload waits for its confirmation.
pub const STAGED_FOR: Duration = Duration::from_secs(30 * 60);
/// The most uploads waiting at once.
pub const MAX_STAGED: usize = 32;
/// The most bytes waiting at once.
pub const MAX_STAGED_BYTES: usize = 128 * 1024 * 1024;

/// A checked upload waiting for its confirmation.
#[derive(Debug, Clone)]
pub struct Staged {
    /// The account that uploaded it (and alone may confirm it).
    pub account: i32,
    pub framework: String,
    /// The file's name as uploaded.
    pub name: Option<String>,
    pub bytes: Bytes,
    at: Instant,
}

/// The uploads waiting, by token.
#[derive(Debug, Default)]
pub struct Staging {
    waiting: Mutex<HashMap<String, Staged>>,
}

impl Staging {
    /// Keeps an upload for `account`; returns its token (`None` when no random token could be
    /// drawn). The account's earlier upload, if any, is forgotten.
    pub fn stage(
        &self,
        account: i32,
        framework: &str,
        name: Option<&str>,
        bytes: Bytes,
    ) -> Option<String> {
        self.stage_at(account, framework, name, bytes, Instant::now())
    }

    /// The upload of `token`, if `account` staged it and it has not expired.
    pub fn get(&self, token: &str, account: i32) -> Option<Staged> {
        self.get_at(token, account, Instant::now())
    }

    /// Forgets the upload of `token` (once stored).
    pub fn remove(&self, token: &str) {
        self.lock().remove(token);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Staged>> {
        // A panic elsewhere while holding the lock leaves a map that is still whole.
        self.waiting
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn stage_at(
        &self,
        account: i32,
        framework: &str,
        name: Option<&str>,
        bytes: Bytes,
        now: Instant,
    ) -> Option<String> {
        let mut random = [0u8; 16];
        getrandom::fill(&mut random).ok()?;
        let token = hex::encode(random);
        let mut waiting = self.lock();
        waiting.retain(|_, s| s.account != account && now.duration_since(s.at) < STAGED_FOR);
        let mut total: usize = waiting.values().map(|s| s.bytes.len()).sum();
        while !waiting.is_empty()
            && (waiting.len() >= MAX_STAGED || total + bytes.len() > MAX_STAGED_BYTES)
        {
            let Some(oldest) = waiting
                .iter()
                .min_by_key(|(_, s)| s.at)
                .map(|(t, _)| t.clone())
            else {
                break;
            };
            if let Some(gone) = waiting.remove(&oldest) {
                total -= gone.bytes.len();
            }
        }
        waiting.insert(
            token.clone(),
            Staged {
                account,
                framework: framework.to_owned(),
                name: name.map(str::to_owned),
                bytes,
                at: now,
            },
        );
        Some(token)
    }

    fn get_at(&self, token: &str, account: i32, now: Instant) -> Option<Staged> {
        let mut waiting = self.lock();
        let expired = waiting
            .get(token)
            .is_some_and(|s| now.duration_since(s.at) >= STAGED_FOR);
        if expired {
            waiting.remove(token);
            return None;
        }
        waiting.get(token).filter(|s| s.account == account).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(n: usize) -> Bytes {
        Bytes::from(vec![b'x'; n])
    }

    #[test]
    fn an_upload_is_for_its_own_account_until_it_expires() {
        let staging = Staging::default();
        let t0 = Instant::now();
        let token = staging
            .stage_at(7, "fw", Some("a.csv"), bytes(3), t0)
            .unwrap();
        let staged = staging.get_at(&token, 7, t0).unwrap();
        assert_eq!(
            (staged.framework.as_str(), staged.name.as_deref()),
            ("fw", Some("a.csv"))
        );
        assert!(staging.get_at(&token, 8, t0).is_none(), "another account");
        assert!(staging.get_at("nope", 7, t0).is_none());
        let later = t0 + STAGED_FOR - Duration::from_secs(1);
        assert!(staging.get_at(&token, 7, later).is_some());
        assert!(staging.get_at(&token, 7, t0 + STAGED_FOR).is_none());
        assert!(staging.get_at(&token, 7, t0).is_none(), "expired is gone");
    }

    #[test]
    fn an_account_has_one_upload_waiting_and_removal_forgets_it() {
        let staging = Staging::default();
        let t0 = Instant::now();
        let first = staging.stage_at(7, "fw", None, bytes(3), t0).unwrap();
        let second = staging.stage_at(7, "fw", None, bytes(3), t0).unwrap();
        assert_ne!(first, second);
        assert!(staging.get_at(&first, 7, t0).is_none());
        staging.remove(&second);
        assert!(staging.get_at(&second, 7, t0).is_none());
    }

    #[test]
    fn past_the_caps_the_oldest_uploads_are_forgotten() {
        let staging = Staging::default();
        let t0 = Instant::now();
        let tokens: Vec<String> = (0..=MAX_STAGED)
            .map(|i| {
                let at = t0 + Duration::from_millis(i as u64);
                staging
                    .stage_at(i as i32, "fw", None, bytes(1), at)
                    .unwrap()
            })
            .collect();
        assert!(staging.get_at(&tokens[0], 0, t0).is_none(), "the oldest");
        assert!(staging.get_at(&tokens[1], 1, t0).is_some());
        assert_eq!(staging.lock().len(), MAX_STAGED);

        let big = MAX_STAGED_BYTES / 2 + 1;
        let a = staging.stage_at(100, "fw", None, bytes(big), t0).unwrap();
        let b = staging.stage_at(101, "fw", None, bytes(big), t0).unwrap();
        assert!(staging.get_at(&a, 100, t0).is_none(), "over the bytes cap");
        assert!(staging.get_at(&b, 101, t0).is_some());
        let total: usize = staging.lock().values().map(|s| s.bytes.len()).sum();
        assert!(total <= MAX_STAGED_BYTES);
    }
}
