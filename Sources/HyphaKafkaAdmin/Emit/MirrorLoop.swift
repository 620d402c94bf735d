// SPDX-License-Identifier: Apache-2.0
import Foundation
import HyphaEventBus
import HyphaWire
import RDKafkaAdmin

/// Finds a mirror into itself: `tail X -f jsonl | emit --jsonl` against one
/// cluster sends each event back to the topic it was read from, where tail
/// reads it again (2 events became 160 in 10 s).
///
/// The first record is looked up where it says it was read, when it is sent
/// back to that same topic: when this cluster holds a message at that topic,
/// partition and offset with the same key and timestamp, the records come from
/// this cluster. A record renamed to another event, or read from another
/// cluster, is not one (another cluster's message at the same offset has
/// another timestamp). One lookup decides: the lines after it are not parsed
/// twice.
package final class MirrorLoopCheck: @unchecked Sendable {
    // @unchecked Sendable: handed to the one blocking loop that reads the
    // input, and used only there.
    private let settings: KafkaClientSettings
    private var decided = false

    /// A check against the cluster of `settings`, where the events are written.
    package init(settings: KafkaClientSettings) {
        var settings = settings
        settings.timeout = min(settings.timeout, .seconds(5))
        self.settings = settings
    }

    /// Why sending `line` would loop, or nil; nil at once after the first lookup.
    func echo(_ line: UnsafeRawBufferPointer) -> String? {
        guard !decided else { return nil }
        guard case .object(let fields)? = try? JSONValue.parse(line) else { return nil }
        func field(_ name: String) -> JSONValue? { fields.first { $0.0 == name }?.1 }
        guard case .string(let topic)? = field("topic"), case .number(let partitionText)? = field("partition"),
            case .number(let offsetText)? = field("offset"), let partition = Int32(partitionText),
            let offset = Int64(offsetText), case .string(let timestamp)? = field("timestamp")
        else {
            decided = true // not a record of tail: nothing says where it was read
            return nil
        }
        decided = true
        // The topic the record's event is sent to: a renamed record goes elsewhere.
        if case .string(let event)? = field("event"), HyphaTopic.forEvent(event) != topic { return nil }
        let key: String? = if case .string(let key)? = field("key") { key } else { nil }
        guard let stored = message(at: TopicPartition(topic: topic, partition: partition), offset: offset),
            stored.key == key, stored.timestamp == timestamp
        else { return nil }
        return "the record of \(topic) [\(partition)] at offset \(offset) is stored in this same cluster "
            + "(\(settings.bootstrapServers)): each event sent would be read back and sent again"
    }

    /// The key and timestamp of the message at `offset`, if this cluster has one there.
    private func message(at partition: TopicPartition, offset: Int64) -> (key: String?, timestamp: String?)? {
        guard let reader = try? RDKafkaPartitionReader(settings: settings, batchSize: 1) else { return nil }
        defer { reader.stop() }
        guard (try? reader.start([partition: offset])) != nil else { return nil }
        let deadline = ContinuousClock.now + settings.timeout
        var found: (key: String?, timestamp: String?)?
        var done = false
        while !done && ContinuousClock.now < deadline {
            do throws(KafkaFailure) {
                try reader.read(timeoutMilliseconds: 100) { item in
                    switch item {
                    case .message(let message) where message.offset == offset:
                        found = (
                            message.key.map { String(decoding: $0, as: UTF8.self) },
                            message.timestampMillis.map(WireTimestamp.iso8601(millis:))
                        )
                        done = true
                    case .message, .endOfPartition:
                        done = true
                    }
                }
            } catch {
                return nil
            }
        }
        return found
    }
}
