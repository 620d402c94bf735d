// SPDX-License-Identifier: Apache-2.0
// The wire types (EventPayload, JSONValue, HyphaTopic, …) and the connection types
// (KafkaClientSettings, KafkaFailure, KafkaErrorCode, TopicPartition, …) are part of
// the bus's API: `import HyphaEventBus` brings them.
@_exported import HyphaWire
@_exported import KafkaConnection
