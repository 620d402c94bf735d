// SPDX-License-Identifier: Apache-2.0
import HyphaExporter
import Testing

@Suite("--listen HOST:PORT")
struct ListenAddressTests {
    @Test(
        "valid addresses",
        arguments: [
            ("127.0.0.1:9308", "127.0.0.1", 9308), ("localhost:0", "localhost", 0), (":9308", "0.0.0.0", 9308),
            ("[::1]:9400", "::1", 9400), ("0.0.0.0:65535", "0.0.0.0", 65535),
        ])
    func valid(text: String, host: String, port: Int) {
        #expect(ListenAddress(parsing: text) == ListenAddress(host: host, port: port))
    }

    @Test(
        "malformed addresses",
        arguments: [
            "9308", "localhost", "localhost:", "localhost:port", "host:65536", "host:-1", "::1:9308", "[::1]9308",
            "[::1]", "a b:1", "host:+80", "host:１２",
        ])
    func malformed(text: String) {
        #expect(ListenAddress(parsing: text) == nil)
    }

    @Test("IPv6 hosts print in brackets")
    func description() {
        #expect(ListenAddress(host: "::1", port: 9308).description == "[::1]:9308")
        #expect(ListenAddress.default.description == "0.0.0.0:9308")
    }
}
