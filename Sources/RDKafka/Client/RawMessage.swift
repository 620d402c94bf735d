// SPDX-License-Identifier: Apache-2.0
/// One message as the reader hands it out: valid only inside the callback
/// that receives it (the bytes are librdkafka's, freed right after).
package struct RawMessage {
    /// The message's topic.
    package let topic: String
    /// Its partition.
    package let partition: Int32
    /// Its offset.
    package let offset: Int64
    /// Milliseconds since the epoch, when the broker gave one.
    package let timestampMillis: Int64?
    /// The key's bytes; nil for no key.
    package let key: UnsafeRawBufferPointer?
    /// The value's bytes; nil for a null value.
    package let value: UnsafeRawBufferPointer?

    package init(
        topic: String, partition: Int32, offset: Int64, timestampMillis: Int64?, key: UnsafeRawBufferPointer?,
        value: UnsafeRawBufferPointer?
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.timestampMillis = timestampMillis
        self.key = key
        self.value = value
    }
}
