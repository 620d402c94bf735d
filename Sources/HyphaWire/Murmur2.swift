// SPDX-License-Identifier: Apache-2.0
/// Java-compatible murmur2 (Kafka's Utils.murmur2), and the partition aiokafka / librdkafka's murmur2_random pick for a key.
public enum Murmur2 {
    private static let seed: UInt32 = 0x9747_b28c
    private static let multiplier: UInt32 = 0x5bd1_e995

    /// The murmur2 hash of `bytes`, as Java's `Utils.murmur2` returns it (a signed 32-bit int).
    ///
    /// aiokafka's pure-Python `murmur2` returns the same 32 bits as an unsigned number.
    public static func hash(_ bytes: some Collection<UInt8>) -> Int32 {
        if let hash = bytes.withContiguousStorageIfAvailable({ hash(UnsafeRawBufferPointer($0)) }) {
            return hash
        }
        return Array(bytes).withUnsafeBytes { hash($0) }
    }

    /// (hash & 0x7fffffff) % partitionCount
    ///
    /// - Precondition: `partitionCount > 0`.
    public static func partition(forKey key: some Collection<UInt8>, partitionCount: Int32) -> Int32 {
        precondition(partitionCount > 0, "a topic has at least one partition")
        return (hash(key) & 0x7fff_ffff) % partitionCount
    }

    private static func hash(_ data: UnsafeRawBufferPointer) -> Int32 {
        let length = data.count
        var h = seed ^ UInt32(truncatingIfNeeded: length)
        var index = 0
        while index + 4 <= length {
            var k =
                UInt32(data[index]) | UInt32(data[index + 1]) << 8
                | UInt32(data[index + 2]) << 16 | UInt32(data[index + 3]) << 24
            k &*= multiplier
            k ^= k >> 24
            k &*= multiplier
            h &*= multiplier
            h ^= k
            index += 4
        }
        // The tail, as Java's switch falls through from 3 to 1.
        let tail = length - index
        if tail >= 3 { h ^= UInt32(data[index + 2]) << 16 }
        if tail >= 2 { h ^= UInt32(data[index + 1]) << 8 }
        if tail >= 1 {
            h ^= UInt32(data[index])
            h &*= multiplier
        }
        h ^= h >> 13
        h &*= multiplier
        h ^= h >> 15
        return Int32(bitPattern: h)
    }
}
