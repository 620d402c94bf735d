import ArgumentParser
import HyphaKafka

/// `hyphactl version`: this tool's and the loaded librdkafka's versions.
struct VersionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Print hyphactl's and the loaded librdkafka's versions.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        var text = "hyphactl \(HyphaCtlVersion.current)\n"
        text += "librdkafka \(LibrdkafkaVersion.loaded) (loaded; built against \(LibrdkafkaVersion.builtAgainst))\n"
        if LibrdkafkaVersion.misreadsTaggedFields {
            text += "note: librdkafka before 2.2.0 cannot talk to brokers that send tagged fields "
                + "(KRaft-mode Kafka, Tansu); put a newer librdkafka.so.1 first on LD_LIBRARY_PATH\n"
        }
        Terminal.write(text)
    }
}
