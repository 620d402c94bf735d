// SPDX-License-Identifier: Apache-2.0
import ArgumentParser

/// `hyphactl config …`: the contexts of the config file.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "The config file's contexts: list, switch, view (secrets masked).",
        discussion:
            "The file: $HYPHACTL_CONFIG, else $XDG_CONFIG_HOME/hyphactl/config.yaml, else ~/.config/hyphactl/config.yaml.",
        subcommands: [ConfigGetContexts.self, ConfigUseContext.self, ConfigView.self])
}
