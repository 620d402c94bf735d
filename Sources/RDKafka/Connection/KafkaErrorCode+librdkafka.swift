// SPDX-License-Identifier: Apache-2.0
import CRdKafka

// librdkafka's own code type, for the wrapper's targets (Sources/RDKafka/) only:
// everything outside them speaks KafkaErrorCode.
extension KafkaErrorCode {
    package init(_ code: rd_kafka_resp_err_t) { self.init(rawValue: code.rawValue) }

    package var rdkafka: rd_kafka_resp_err_t { rd_kafka_resp_err_t(rawValue: rawValue) }

    static func nameOf(_ code: KafkaErrorCode) -> String { String(cString: rd_kafka_err2name(code.rdkafka)) }

    static func textOf(_ code: KafkaErrorCode) -> String { String(cString: rd_kafka_err2str(code.rdkafka)) }
}
