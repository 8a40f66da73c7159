//! A small LRU of recent results, keyed by the text around the cursor and what produced it.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::num::NonZeroUsize;
use std::sync::Mutex;

use lru::LruCache;

/// Recent cleaned suggestions.
pub struct ResultCache {
    entries: Mutex<LruCache<u64, Vec<String>>>,
}

impl ResultCache {
    /// A cache of `capacity` entries.
    pub fn new(capacity: usize) -> Self {
        let capacity = NonZeroUsize::new(capacity.max(1)).unwrap_or(NonZeroUsize::MIN);
        Self {
            entries: Mutex::new(LruCache::new(capacity)),
        }
    }

    /// The key of a request: everything that decides the answer.
    pub fn key(parts: &[&str]) -> u64 {
        let mut hasher = DefaultHasher::new();
        for part in parts {
            part.hash(&mut hasher);
        }
        hasher.finish()
    }

    /// The cached suggestions for `key`.
    pub fn get(&self, key: u64) -> Option<Vec<String>> {
        self.entries.lock().ok()?.get(&key).cloned()
    }

    /// Remembers suggestions; empty results are not cached, so a retry can do better.
    pub fn put(&self, key: u64, texts: Vec<String>) {
        if texts.is_empty() {
            return;
        }
        if let Ok(mut entries) = self.entries.lock() {
            entries.put(key, texts);
        }
    }

    /// Forgets everything (after a configuration change).
    pub fn clear(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_recent_and_evicts_oldest() {
        let cache = ResultCache::new(2);
        let (a, b, c) = (
            ResultCache::key(&["a"]),
            ResultCache::key(&["b"]),
            ResultCache::key(&["c"]),
        );
        cache.put(a, vec!["1".into()]);
        cache.put(b, vec!["2".into()]);
        cache.put(c, vec!["3".into()]);
        assert_eq!(cache.get(a), None);
        assert_eq!(cache.get(c), Some(vec!["3".to_string()]));
        cache.put(a, vec![]);
        assert_eq!(cache.get(a), None);
    }

    #[test]
    fn keys_separate_their_parts() {
        assert_ne!(
            ResultCache::key(&["ab", "c"]),
            ResultCache::key(&["a", "bc"])
        );
    }
}
