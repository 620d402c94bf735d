// SPDX-License-Identifier: Apache-2.0
import Foundation
import HyphaEventBus
import RDKafkaMock
import TestSupport
import Testing

/// The .deb and the tarball scripts/package builds, installed as an ops box would
/// and run where no Swift is installed: a clean environment, the system's librdkafka.
@Suite("the installable packages")
struct PackageTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Every file an install holds, relative to its prefix (`usr` in the .deb).
    static let installed = [
        "bin/hyphactl", "share/man/man1/hyphactl.1.gz", "share/man/man1/hyphactl.topics.list.1.gz",
        "share/bash-completion/completions/hyphactl", "share/zsh/vendor-completions/_hyphactl",
        "share/fish/vendor_completions.d/hyphactl.fish",
    ]

    private func artifact(_ variable: String) throws -> String {
        try #require(
            ProcessInfo.processInfo.environment[variable],
            "\(variable) is unset: scripts/test builds the packages (scripts/package) unless --filter leaves them out")
    }

    /// Unpacks the .deb with dpkg -x into a scratch root; returns that root.
    private func unpackDeb() throws -> URL {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("deb-\(UUID().uuidString)")
        let unpacked = try Subprocess.run("/usr/bin/dpkg", ["-x", try artifact("HYPHA_TEST_DEB"), scratch.path])
        #expect(unpacked.status == 0, "\(unpacked.stderr)")
        return scratch
    }

    /// `binary ARGS` with nothing from this environment: no PATH to a toolchain, no LD_LIBRARY_PATH.
    private func runClean(_ binary: String, _ arguments: [String]) throws -> ProcessResult {
        try Subprocess.run("/usr/bin/env", ["-i", binary] + arguments, timeout: 60)
    }

    @Test("the .deb: its files, its Depends, a binary that loads nothing from the Swift toolchain")
    func debContents() throws {
        let scratch = try unpackDeb()
        defer { try? FileManager.default.removeItem(at: scratch) }
        for file in Self.installed + [
            "share/doc/hyphactl/copyright", "share/doc/hyphactl/README.md.gz", "share/doc/hyphactl/docs/cli.md.gz",
        ] {
            #expect(
                FileManager.default.fileExists(atPath: scratch.appendingPathComponent("usr/\(file)").path), "\(file)")
        }
        let binary = scratch.appendingPathComponent("usr/bin/hyphactl").path
        let ldd = try Subprocess.run("/usr/bin/ldd", [binary])
        #expect(ldd.status == 0)
        #expect(!ldd.output.contains("not found"), "\(ldd.output)")
        #expect(!ldd.output.contains("swift"), "resolves into the Swift toolchain: \(ldd.output)")
        #expect(ldd.output.contains("librdkafka.so.1 => /") && ldd.output.contains("libyaml-0.so.2 => /"))
        let depends = try Subprocess.run("/usr/bin/dpkg-deb", ["-f", try artifact("HYPHA_TEST_DEB"), "Depends"])
        #expect(depends.output.contains("librdkafka1 (>= 2.0.2)"), "\(depends.output)")
        #expect(depends.output.contains("libyaml-0-2 (>= "), "\(depends.output)")
    }

    @Test("the installed binary in a clean environment: version, --help, generate, topics list")
    func installedBinaryRuns() throws {
        let scratch = try unpackDeb()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let binary = scratch.appendingPathComponent("usr/bin/hyphactl").path

        let version = try runClean(binary, ["version"])
        #expect(version.status == 0, "\(version.stderr)")
        let built = try Subprocess.run(try Hyphactl.binary(), ["version"])
        #expect(version.lines.first == built.lines.first, "the version is the package's and the build's")
        #expect(version.output.contains("librdkafka 2.0.2 (loaded"), "the system's librdkafka: \(version.output)")

        let help = try runClean(binary, ["--help"])
        #expect(help.status == 0 && help.output.contains("SUBCOMMANDS"))

        let example = Self.root.appendingPathComponent("examples/dev-compose-zookeeper.yaml").path
        let generated = try runClean(binary, ["generate", "compose", "-f", example])
        #expect(generated.status == 0, "\(generated.stderr)")
        #expect(generated.output.contains("services:"))

        // librdkafka's mock cluster: a broker the system's 2.0.2 can talk to (Tansu is not).
        let cluster = try MockKafkaCluster(brokers: 1)
        let listed = try runClean(
            binary, ["topics", "list", "--all", "-b", cluster.bootstrapServers, "--timeout", "10"])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.lines.first?.hasPrefix("EVENT") == true, "\(listed.output)")

        // The sandbox broker, with nothing from this environment but the newer
        // librdkafka it needs (README: Install), and an event of the test's own on it.
        let event = TestEnvironment.uniqueEvent()
        try Hyphactl.succeed(["emit", event, "{}"])
        let library = try #require(ProcessInfo.processInfo.environment["LD_LIBRARY_PATH"])
        let sandbox = try Subprocess.run(
            "/usr/bin/env",
            ["-i", "LD_LIBRARY_PATH=\(library)", binary, "topics", "list", "-b", try TestEnvironment.bootstrap()],
            timeout: 60)
        #expect(sandbox.status == 0, "\(sandbox.stderr)")
        #expect(sandbox.output.contains("hypha_event_\(event)"), "\(sandbox.output)")
    }

    @Test("the tarball holds the same files under bin/ and share/")
    func tarball() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tar-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let tarball = try artifact("HYPHA_TEST_TARBALL")
        let unpacked = try Subprocess.run("/usr/bin/tar", ["-xzf", tarball, "-C", scratch.path])
        #expect(unpacked.status == 0, "\(unpacked.stderr)")
        let top = scratch.appendingPathComponent(
            URL(fileURLWithPath: tarball).lastPathComponent.replacingOccurrences(of: ".tar.gz", with: ""))
        for file in Self.installed + [
            "share/doc/hyphactl/LICENSE", "share/doc/hyphactl/README.md", "share/doc/hyphactl/docs/cli.md",
        ] {
            #expect(FileManager.default.fileExists(atPath: top.appendingPathComponent(file).path), "\(file)")
        }
        let version = try runClean(top.appendingPathComponent("bin/hyphactl").path, ["version"])
        #expect(version.status == 0 && version.output.hasPrefix("hyphactl "))
    }
}
