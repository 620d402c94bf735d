// SPDX-License-Identifier: Apache-2.0
import CRdKafka
import KafkaConnection
import RDKafka

extension RDKafkaClient {
    /// Whether some broker answers a Metadata request (about the topics this handle
    /// already knows, so a small one) within `timeoutMilliseconds`; clears the
    /// all-brokers-down mark when one does.
    ///
    /// For a reader that nothing reaches while its brokers are marked down: on an
    /// idle topic no message or end of partition comes to say they are back. Not for
    /// a producer: it serves the main queue, where a producer's delivery reports wait.
    package func brokerAnswers(timeoutMilliseconds: Int32) -> Bool {
        var pointer: UnsafePointer<rd_kafka_metadata>?
        let code = withHandle { rd_kafka_metadata($0, 0, nil, &pointer, timeoutMilliseconds) }
        if let pointer { rd_kafka_metadata_destroy(pointer) }
        // Only readers ask: no delivery report can come.
        serveMainQueue(onDelivery: { _ in })
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else { return false }
        markBrokersReachable()
        return true
    }
}
