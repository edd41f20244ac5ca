//! PURE. A content hash of a loaded curriculum: 64-bit FNV-1a over its canonical JSON form
//! (every page, section, resource, module, pathway, phase and track, in order). Equal content
//! gives equal hashes on every machine, so replicas can show which version each serves.

use super::model::Curriculum;

/// FNV-1a, 64 bits, as an `io::Write` sink (no buffer).
struct Fnv(u64);

impl std::io::Write for Fnv {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        for b in buf {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The curriculum's content hash as 16 lowercase hex digits.
pub fn content_hash(c: &Curriculum) -> String {
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    // Serializing plain data into a sink that cannot fail cannot fail either.
    let _ = serde_json::to_writer(&mut h, c);
    format!("{:016x}", h.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_content_equal_hash_and_a_change_changes_it() {
        let (pages, opts) = crate::curriculum::synth::site(2, 3);
        let a = crate::curriculum::parse(&pages, &opts).curriculum;
        let b = crate::curriculum::parse(&pages, &opts).curriculum;
        assert_eq!(content_hash(&a), content_hash(&b));
        assert_eq!(content_hash(&a).len(), 16);
        let mut c = b.clone();
        c.modules[0].title.push('!');
        assert_ne!(content_hash(&a), content_hash(&c));
    }
}
