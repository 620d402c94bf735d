// SPDX-License-Identifier: Apache-2.0
import HyphaWire
import Testing

/// Oracle values from aiokafka 0.14's own `aiokafka.partitioner.murmur2` (which
/// returns the 32 bits unsigned) and `(h & 0x7fffffff) % n`.
@Suite("Murmur2 partitioning")
struct Murmur2Tests {
    struct Case: Sendable, CustomTestStringConvertible {
        let key: [UInt8]
        let unsignedHash: UInt32
        let partitionOf3: Int32
        let partitionOf4: Int32
        let partitionOf12: Int32
        var testDescription: String { String(decoding: key.prefix(20), as: UTF8.self) }
    }

    static let cases: [Case] = [
        Case(key: utf8(""), unsignedHash: 275_646_681, partitionOf3: 0, partitionOf4: 1, partitionOf12: 9),
        Case(key: utf8("a"), unsignedHash: 2_731_586_172, partitionOf3: 1, partitionOf4: 0, partitionOf12: 4),
        Case(key: utf8("ab"), unsignedHash: 316_155_434, partitionOf3: 2, partitionOf4: 2, partitionOf12: 2),
        Case(key: utf8("abc"), unsignedHash: 479_470_107, partitionOf3: 0, partitionOf4: 3, partitionOf12: 3),
        Case(key: utf8("abcd"), unsignedHash: 2_971_317_748, partitionOf3: 2, partitionOf4: 0, partitionOf12: 8),
        Case(key: utf8("21"), unsignedHash: 3_321_034_988, partitionOf3: 0, partitionOf4: 0, partitionOf12: 0),
        Case(key: utf8("d:test"), unsignedHash: 3_642_843_675, partitionOf3: 1, partitionOf4: 3, partitionOf12: 7),
        Case(key: utf8("s:test"), unsignedHash: 884_283_556, partitionOf3: 1, partitionOf4: 0, partitionOf12: 4),
        Case(key: utf8("b:test"), unsignedHash: 725_204_265, partitionOf3: 0, partitionOf4: 1, partitionOf12: 9),
        Case(
            key: utf8("s:ws-1/client:msg"), unsignedHash: 3_083_391_382, partitionOf3: 2, partitionOf4: 2,
            partitionOf12: 2),
        Case(
            key: utf8("d:ws-1/*:msg"), unsignedHash: 1_859_656_030, partitionOf3: 1, partitionOf4: 2, partitionOf12: 10),
        Case(
            key: utf8("health_check_1"), unsignedHash: 3_255_154_159, partitionOf3: 2, partitionOf4: 3,
            partitionOf12: 11),
        Case(key: utf8("d:café"), unsignedHash: 382_733_349, partitionOf3: 0, partitionOf4: 1, partitionOf12: 9),
        Case(
            key: (0...255).map { UInt8($0) }, unsignedHash: 2_346_620_022, partitionOf3: 1, partitionOf4: 2,
            partitionOf12: 10),
    ]

    @Test("hash matches aiokafka's murmur2", arguments: cases)
    func hash(_ c: Case) {
        #expect(UInt32(bitPattern: Murmur2.hash(c.key)) == c.unsignedHash)
    }

    @Test("partition matches aiokafka's DefaultPartitioner", arguments: cases)
    func partition(_ c: Case) {
        #expect(Murmur2.partition(forKey: c.key, partitionCount: 3) == c.partitionOf3)
        #expect(Murmur2.partition(forKey: c.key, partitionCount: 4) == c.partitionOf4)
        #expect(Murmur2.partition(forKey: c.key, partitionCount: 12) == c.partitionOf12)
        #expect(Murmur2.partition(forKey: c.key, partitionCount: 1) == 0)
    }

    @Test("the hash is Java's signed int")
    func signedLikeJava() {
        #expect(Murmur2.hash(utf8("21")) == -973_932_308)
        #expect(Murmur2.hash(utf8("s:test")) == 884_283_556)
    }

    @Test("any collection of bytes gives the same hash")
    func collections() {
        let key = utf8("s:ws-1/client:msg")
        let expected = Murmur2.hash(key)
        #expect(Murmur2.hash("s:ws-1/client:msg".utf8) == expected)
        #expect(Murmur2.hash(([0] + key)[1...]) == expected)
        // Not contiguous: goes through the copying path.
        #expect(Murmur2.hash(key.reversed().reversed()) == expected)
        #expect(Murmur2.hash(EventKey.encode(type: .text, event: "ws-1/client:msg")) == expected)
    }
}
