function __hyphactl_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __hyphactl_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __hyphactl_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __hyphactl_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __hyphactl_parse_tokens -S
    set -l unparsed_tokens (__hyphactl_tokens -pc)
    switch $unparsed_tokens[1]
    case 'hyphactl'
        __hyphactl_parse_subcommand 0 'b/bootstrap-servers=' 'X/property=+' 'context=' 'timeout=' 'v/verbose' 'no-color' 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'topics'
            __hyphactl_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'list'
                __hyphactl_parse_subcommand 0 'b/bootstrap-servers=' 'X/property=+' 'context=' 'timeout=' 'v/verbose' 'no-color' 'all' 'o/output=' 'version' 'h/help'
            case 'describe'
                __hyphactl_parse_subcommand 1 'b/bootstrap-servers=' 'X/property=+' 'context=' 'timeout=' 'v/verbose' 'no-color' 'o/output=' 'version' 'h/help'
            case 'create'
                __hyphactl_parse_subcommand 1 'b/bootstrap-servers=' 'X/property=+' 'context=' 'timeout=' 'v/verbose' 'no-color' 'p/partitions=' 'r/replication-factor=' 'config=+' 'version' 'h/help'
            case 'delete'
                __hyphactl_parse_subcommand -r 1 'b/bootstrap-servers=' 'X/property=+' 'context=' 'timeout=' 'v/verbose' 'no-color' 'y/yes' 'version' 'h/help'
            end
        case 'groups'
            __hyphactl_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'list'
                __hyphactl_parse_subcommand 0 'b/bootstrap-servers=' 'X/property=+' 'context=' 'timeout=' 'v/verbose' 'no-color' 'all' 'o/output=' 'version' 'h/help'
            case 'describe'
                __hyphactl_parse_subcommand 1 'b/bootstrap-servers=' 'X/property=+' 'context=' 'timeout=' 'v/verbose' 'no-color' 'all' 'o/output=' 'max-lag=' 'max-lag-seconds=' 'watch' 'interval=' 'count=' 'version' 'h/help'
            case 'reset-offsets'
                __hyphactl_parse_subcommand 1 'b/bootstrap-servers=' 'X/property=+' 'context=' 'timeout=' 'v/verbose' 'no-color' 'to-earliest' 'to-latest' 'to-datetime=' 'by-duration=' 'to-offset=' 'shift-by=' 'event=+' 'execute' 'o/output=' 'version' 'h/help'
            case 'delete'
                __hyphactl_parse_subcommand -r 1 'b/bootstrap-servers=' 'X/property=+' 'context=' 'timeout=' 'v/verbose' 'no-color' 'y/yes' 'version' 'h/help'
            end
        case 'servers'
            __hyphactl_parse_subcommand 0 'b/bootstrap-servers=' 'X/property=+' 'context=' 'timeout=' 'v/verbose' 'no-color' 'o/output=' 'check' 'max-lag=' 'max-lag-seconds=' 'silence=' 'watch' 'interval=' 'count=' 'version' 'h/help'
        case 'exporter'
            __hyphactl_parse_subcommand 0 'b/bootstrap-servers=' 'X/property=+' 'context=' 'timeout=' 'v/verbose' 'no-color' 'listen=' 'min-interval=' 'max-lag=' 'silence=' 'version' 'h/help'
        case 'emit'
            __hyphactl_parse_subcommand 2 'b/bootstrap-servers=' 'X/property=+' 'context=' 'timeout=' 'v/verbose' 'no-color' 'json' 'string' 'binary' 'f/file=' 'lines' 'jsonl' 'check-first' 'allow-loop' 'repeat=' 'o/output=' 'version' 'h/help'
        case 'tail'
            __hyphactl_parse_subcommand -r 1 'b/bootstrap-servers=' 'X/property=+' 'context=' 'timeout=' 'v/verbose' 'no-color' 'all' 'from-beginning' 'offset=' 'since=' 'until=' 'n=' 'e' 'p/partition=' 'f/format=' 'decode=' 'utc' 'type=+' 'version' 'h/help'
        case 'probe'
            __hyphactl_parse_subcommand 0 'b/bootstrap-servers=' 'X/property=+' 'context=' 'timeout=' 'v/verbose' 'no-color' 'count=' 'o/output=' 'metrics' 'version' 'h/help'
        case 'generate'
            __hyphactl_parse_subcommand 1 'f/file=' 'o/output=' 'check=' 'version' 'h/help'
        case 'config'
            __hyphactl_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'get-contexts'
                __hyphactl_parse_subcommand 0 'o/output=' 'version' 'h/help'
            case 'use-context'
                __hyphactl_parse_subcommand 1 'version' 'h/help'
            case 'view'
                __hyphactl_parse_subcommand 0 'version' 'h/help'
            end
        case 'doctor'
            __hyphactl_parse_subcommand 0 'b/bootstrap-servers=' 'X/property=+' 'context=' 'timeout=' 'v/verbose' 'no-color' 'version' 'h/help'
        case 'version'
            __hyphactl_parse_subcommand 0 'b/bootstrap-servers=' 'X/property=+' 'context=' 'timeout=' 'v/verbose' 'no-color' 'version' 'h/help'
        case 'help'
            __hyphactl_parse_subcommand -r 1 'version'
        end
    end
end

function __hyphactl_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __hyphactl_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __hyphactl_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __hyphactl_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__hyphactl_tokens -p)
    if test -z "$(__hyphactl_tokens -t)"
        set -l index (count (__hyphactl_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'hyphactl' -f
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl" b bootstrap-servers kafka-uri' -s 'b' -l 'bootstrap-servers' -l 'kafka-uri' -d 'Kafka bootstrap servers, host:port[,host:port…].' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl"' -s 'X' -l 'property' -d 'A librdkafka property, repeatable; applied last.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl" context' -l 'context' -d 'A context from the config file.' -rfka '(__hyphactl_custom_completion ---completion -- --context (count (__hyphactl_tokens -pc)) (__hyphactl_tokens -tC))'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl" timeout' -l 'timeout' -d 'Bound on connecting and on every admin call: 10s, 500ms, 1m, or plain seconds; default 10s.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl" v verbose' -s 'v' -l 'verbose' -d 'librdkafka\'s log lines and debug lines on stderr.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl" no-color' -l 'no-color' -d 'Plain output, no colour (also when NO_COLOR is set).'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl" version' -l 'version' -d 'Show the version.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_positional "hyphactl" -eq 1' -fa 'topics' -d 'List, describe, create and delete the bus\'s topics.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_positional "hyphactl" -eq 1' -fa 'groups' -d 'Consumer groups of Hypha servers, their members and lag.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_positional "hyphactl" -eq 1' -fa 'servers' -d 'Each Hypha server on the bus: its group, lag and last health check.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_positional "hyphactl" -eq 1' -fa 'exporter' -d 'Serve /metrics for Prometheus: kafka_exporter\'s metrics plus hypha_server_*.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_positional "hyphactl" -eq 1' -fa 'emit' -d 'Send an event the way a Hypha server does, and wait for the broker\'s acknowledgement.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_positional "hyphactl" -eq 1' -fa 'tail' -d 'Read and decode events without joining any consumer group.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_positional "hyphactl" -eq 1' -fa 'probe' -d 'Join the bus briefly, send probe events and time each round trip.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_positional "hyphactl" -eq 1' -fa 'generate' -d 'Docker Compose or Kubernetes manifests for a whole Hypha-on-Kafka deployment.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_positional "hyphactl" -eq 1' -fa 'config' -d 'The config file\'s contexts: list, switch, view (secrets masked).'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_positional "hyphactl" -eq 1' -fa 'doctor' -d 'Check config, reachability, broker and librdkafka versions, topic settings and stale servers.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_positional "hyphactl" -eq 1' -fa 'version' -d 'Print hyphactl\'s and the loaded librdkafka\'s versions.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_positional "hyphactl" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics" version' -l 'version' -d 'Show the version.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_positional "hyphactl topics" -eq 1' -fa 'list' -d 'Hypha\'s topics with their sizes (--all: every topic).'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_positional "hyphactl topics" -eq 1' -fa 'describe' -d 'A topic\'s partitions, watermarks and configs.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_positional "hyphactl topics" -eq 1' -fa 'create' -d 'Create the topic of an event (hypha_event_EVENT).'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_positional "hyphactl topics" -eq 1' -fa 'delete' -d 'Delete topics; asks first unless --yes.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics list" b bootstrap-servers kafka-uri' -s 'b' -l 'bootstrap-servers' -l 'kafka-uri' -d 'Kafka bootstrap servers, host:port[,host:port…].' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics list"' -s 'X' -l 'property' -d 'A librdkafka property, repeatable; applied last.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics list" context' -l 'context' -d 'A context from the config file.' -rfka '(__hyphactl_custom_completion ---completion topics list -- --context (count (__hyphactl_tokens -pc)) (__hyphactl_tokens -tC))'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics list" timeout' -l 'timeout' -d 'Bound on connecting and on every admin call: 10s, 500ms, 1m, or plain seconds; default 10s.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics list" v verbose' -s 'v' -l 'verbose' -d 'librdkafka\'s log lines and debug lines on stderr.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics list" no-color' -l 'no-color' -d 'Plain output, no colour (also when NO_COLOR is set).'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics list" all' -l 'all' -d 'Every topic, not only Hypha\'s.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics list" o output' -s 'o' -l 'output' -d 'Output format; wide: the table whole, never fitted to the terminal.' -rfka 'table wide json'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics list" version' -l 'version' -d 'Show the version.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics describe" b bootstrap-servers kafka-uri' -s 'b' -l 'bootstrap-servers' -l 'kafka-uri' -d 'Kafka bootstrap servers, host:port[,host:port…].' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics describe"' -s 'X' -l 'property' -d 'A librdkafka property, repeatable; applied last.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics describe" context' -l 'context' -d 'A context from the config file.' -rfka '(__hyphactl_custom_completion ---completion topics describe -- --context (count (__hyphactl_tokens -pc)) (__hyphactl_tokens -tC))'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics describe" timeout' -l 'timeout' -d 'Bound on connecting and on every admin call: 10s, 500ms, 1m, or plain seconds; default 10s.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics describe" v verbose' -s 'v' -l 'verbose' -d 'librdkafka\'s log lines and debug lines on stderr.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics describe" no-color' -l 'no-color' -d 'Plain output, no colour (also when NO_COLOR is set).'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_positional "hyphactl topics describe" -eq 1' -fka '(__hyphactl_custom_completion ---completion topics describe -- positional@0 (count (__hyphactl_tokens -pc)) (__hyphactl_tokens -tC))'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics describe" o output' -s 'o' -l 'output' -d 'Output format; wide: the table whole, never fitted to the terminal.' -rfka 'table wide json'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics describe" version' -l 'version' -d 'Show the version.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics describe" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics create" b bootstrap-servers kafka-uri' -s 'b' -l 'bootstrap-servers' -l 'kafka-uri' -d 'Kafka bootstrap servers, host:port[,host:port…].' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics create"' -s 'X' -l 'property' -d 'A librdkafka property, repeatable; applied last.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics create" context' -l 'context' -d 'A context from the config file.' -rfka '(__hyphactl_custom_completion ---completion topics create -- --context (count (__hyphactl_tokens -pc)) (__hyphactl_tokens -tC))'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics create" timeout' -l 'timeout' -d 'Bound on connecting and on every admin call: 10s, 500ms, 1m, or plain seconds; default 10s.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics create" v verbose' -s 'v' -l 'verbose' -d 'librdkafka\'s log lines and debug lines on stderr.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics create" no-color' -l 'no-color' -d 'Plain output, no colour (also when NO_COLOR is set).'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics create" p partitions' -s 'p' -l 'partitions' -d 'Partitions (default: the broker\'s).' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics create" r replication-factor' -s 'r' -l 'replication-factor' -d 'Replicas (default: the broker\'s).' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics create"' -l 'config' -d 'A topic config, repeatable.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics create" version' -l 'version' -d 'Show the version.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics create" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics delete" b bootstrap-servers kafka-uri' -s 'b' -l 'bootstrap-servers' -l 'kafka-uri' -d 'Kafka bootstrap servers, host:port[,host:port…].' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics delete"' -s 'X' -l 'property' -d 'A librdkafka property, repeatable; applied last.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics delete" context' -l 'context' -d 'A context from the config file.' -rfka '(__hyphactl_custom_completion ---completion topics delete -- --context (count (__hyphactl_tokens -pc)) (__hyphactl_tokens -tC))'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics delete" timeout' -l 'timeout' -d 'Bound on connecting and on every admin call: 10s, 500ms, 1m, or plain seconds; default 10s.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics delete" v verbose' -s 'v' -l 'verbose' -d 'librdkafka\'s log lines and debug lines on stderr.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics delete" no-color' -l 'no-color' -d 'Plain output, no colour (also when NO_COLOR is set).'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_positional "hyphactl topics delete" -ge 1' -fka '(__hyphactl_custom_completion ---completion topics delete -- positional@0 (count (__hyphactl_tokens -pc)) (__hyphactl_tokens -tC))'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics delete" y yes' -s 'y' -l 'yes' -d 'Delete without asking.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics delete" version' -l 'version' -d 'Show the version.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl topics delete" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups" version' -l 'version' -d 'Show the version.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_positional "hyphactl groups" -eq 1' -fa 'list' -d 'Hypha server groups (hypha_server_*); --all: every group.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_positional "hyphactl groups" -eq 1' -fa 'describe' -d 'A group\'s state, members and lag per partition.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_positional "hyphactl groups" -eq 1' -fa 'reset-offsets' -d 'Move a stopped server\'s committed offsets; a dry run unless --execute.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_positional "hyphactl groups" -eq 1' -fa 'delete' -d 'Delete leftover groups of servers that are gone; asks first unless --yes.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups list" b bootstrap-servers kafka-uri' -s 'b' -l 'bootstrap-servers' -l 'kafka-uri' -d 'Kafka bootstrap servers, host:port[,host:port…].' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups list"' -s 'X' -l 'property' -d 'A librdkafka property, repeatable; applied last.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups list" context' -l 'context' -d 'A context from the config file.' -rfka '(__hyphactl_custom_completion ---completion groups list -- --context (count (__hyphactl_tokens -pc)) (__hyphactl_tokens -tC))'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups list" timeout' -l 'timeout' -d 'Bound on connecting and on every admin call: 10s, 500ms, 1m, or plain seconds; default 10s.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups list" v verbose' -s 'v' -l 'verbose' -d 'librdkafka\'s log lines and debug lines on stderr.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups list" no-color' -l 'no-color' -d 'Plain output, no colour (also when NO_COLOR is set).'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups list" all' -l 'all' -d 'Every consumer group, not only Hypha\'s.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups list" o output' -s 'o' -l 'output' -d 'Output format; wide: the table whole, never fitted to the terminal.' -rfka 'table wide json'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups list" version' -l 'version' -d 'Show the version.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups describe" b bootstrap-servers kafka-uri' -s 'b' -l 'bootstrap-servers' -l 'kafka-uri' -d 'Kafka bootstrap servers, host:port[,host:port…].' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups describe"' -s 'X' -l 'property' -d 'A librdkafka property, repeatable; applied last.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups describe" context' -l 'context' -d 'A context from the config file.' -rfka '(__hyphactl_custom_completion ---completion groups describe -- --context (count (__hyphactl_tokens -pc)) (__hyphactl_tokens -tC))'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups describe" timeout' -l 'timeout' -d 'Bound on connecting and on every admin call: 10s, 500ms, 1m, or plain seconds; default 10s.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups describe" v verbose' -s 'v' -l 'verbose' -d 'librdkafka\'s log lines and debug lines on stderr.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups describe" no-color' -l 'no-color' -d 'Plain output, no colour (also when NO_COLOR is set).'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_positional "hyphactl groups describe" -eq 1' -fka '(__hyphactl_custom_completion ---completion groups describe -- positional@0 (count (__hyphactl_tokens -pc)) (__hyphactl_tokens -tC))'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups describe" all' -l 'all' -d 'Every Hypha server group.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups describe" o output' -s 'o' -l 'output' -d 'Output format; wide: the table whole, never fitted to the terminal.' -rfka 'table wide json'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups describe" max-lag' -l 'max-lag' -d 'Exit 3 when a group\'s total lag is over N.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups describe" max-lag-seconds' -l 'max-lag-seconds' -d 'Exit 3 when a group\'s oldest unhandled event has waited over N seconds.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups describe" watch' -l 'watch' -d 'Refresh every --interval: in place on a terminal, one snapshot per interval when piped.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups describe" interval' -l 'interval' -d 'Time between refreshes with --watch: 2s, 500ms, 1m30s or plain seconds; 500ms to 1h (default 2s).' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups describe" count' -l 'count' -d 'With --watch, stop after N refreshes.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups describe" version' -l 'version' -d 'Show the version.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups describe" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups reset-offsets" b bootstrap-servers kafka-uri' -s 'b' -l 'bootstrap-servers' -l 'kafka-uri' -d 'Kafka bootstrap servers, host:port[,host:port…].' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups reset-offsets"' -s 'X' -l 'property' -d 'A librdkafka property, repeatable; applied last.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups reset-offsets" context' -l 'context' -d 'A context from the config file.' -rfka '(__hyphactl_custom_completion ---completion groups reset-offsets -- --context (count (__hyphactl_tokens -pc)) (__hyphactl_tokens -tC))'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups reset-offsets" timeout' -l 'timeout' -d 'Bound on connecting and on every admin call: 10s, 500ms, 1m, or plain seconds; default 10s.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups reset-offsets" v verbose' -s 'v' -l 'verbose' -d 'librdkafka\'s log lines and debug lines on stderr.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups reset-offsets" no-color' -l 'no-color' -d 'Plain output, no colour (also when NO_COLOR is set).'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_positional "hyphactl groups reset-offsets" -eq 1' -fka '(__hyphactl_custom_completion ---completion groups reset-offsets -- positional@0 (count (__hyphactl_tokens -pc)) (__hyphactl_tokens -tC))'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups reset-offsets" to-earliest' -l 'to-earliest' -d 'To each partition\'s oldest stored message.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups reset-offsets" to-latest' -l 'to-latest' -d 'To each partition\'s end: skip what is not read yet.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups reset-offsets" to-datetime' -l 'to-datetime' -d 'To the first message at or after a time: as tail prints it (2026-12-06 06:11:39.597, local), ISO-8601, Unix seconds, or an age like 10m, 1h30m, 2d.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups reset-offsets" by-duration' -l 'by-duration' -d 'To the first message of the last DURATION (15m: what came in the last 15 minutes).' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups reset-offsets" to-offset' -l 'to-offset' -d 'To this offset in every partition.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups reset-offsets" shift-by' -l 'shift-by' -d 'Move each offset by N; negative: back, to read again (--shift-by -10).' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups reset-offsets"' -l 'event' -d 'Only this event\'s topic (repeatable).' -rfka '(__hyphactl_custom_completion ---completion groups reset-offsets -- --event (count (__hyphactl_tokens -pc)) (__hyphactl_tokens -tC))'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups reset-offsets" execute' -l 'execute' -d 'Commit the new offsets; without it, only show them.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups reset-offsets" o output' -s 'o' -l 'output' -d 'Output format; wide: the table whole, never fitted to the terminal.' -rfka 'table wide json'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups reset-offsets" version' -l 'version' -d 'Show the version.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups reset-offsets" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups delete" b bootstrap-servers kafka-uri' -s 'b' -l 'bootstrap-servers' -l 'kafka-uri' -d 'Kafka bootstrap servers, host:port[,host:port…].' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups delete"' -s 'X' -l 'property' -d 'A librdkafka property, repeatable; applied last.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups delete" context' -l 'context' -d 'A context from the config file.' -rfka '(__hyphactl_custom_completion ---completion groups delete -- --context (count (__hyphactl_tokens -pc)) (__hyphactl_tokens -tC))'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups delete" timeout' -l 'timeout' -d 'Bound on connecting and on every admin call: 10s, 500ms, 1m, or plain seconds; default 10s.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups delete" v verbose' -s 'v' -l 'verbose' -d 'librdkafka\'s log lines and debug lines on stderr.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups delete" no-color' -l 'no-color' -d 'Plain output, no colour (also when NO_COLOR is set).'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_positional "hyphactl groups delete" -ge 1' -fka '(__hyphactl_custom_completion ---completion groups delete -- positional@0 (count (__hyphactl_tokens -pc)) (__hyphactl_tokens -tC))'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups delete" y yes' -s 'y' -l 'yes' -d 'Delete without asking.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups delete" version' -l 'version' -d 'Show the version.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl groups delete" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl servers" b bootstrap-servers kafka-uri' -s 'b' -l 'bootstrap-servers' -l 'kafka-uri' -d 'Kafka bootstrap servers, host:port[,host:port…].' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl servers"' -s 'X' -l 'property' -d 'A librdkafka property, repeatable; applied last.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl servers" context' -l 'context' -d 'A context from the config file.' -rfka '(__hyphactl_custom_completion ---completion servers -- --context (count (__hyphactl_tokens -pc)) (__hyphactl_tokens -tC))'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl servers" timeout' -l 'timeout' -d 'Bound on connecting and on every admin call: 10s, 500ms, 1m, or plain seconds; default 10s.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl servers" v verbose' -s 'v' -l 'verbose' -d 'librdkafka\'s log lines and debug lines on stderr.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl servers" no-color' -l 'no-color' -d 'Plain output, no colour (also when NO_COLOR is set).'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl servers" o output' -s 'o' -l 'output' -d 'Output format; wide: the table whole, never fitted to the terminal.' -rfka 'table wide json'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl servers" check' -l 'check' -d 'Exit 3 when any server is not ok.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl servers" max-lag' -l 'max-lag' -d 'A total lag over N is lagging.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl servers" max-lag-seconds' -l 'max-lag-seconds' -d 'Exit 3 when a server\'s oldest unhandled event has waited over N seconds (it is lagging).' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl servers" silence' -l 'silence' -d 'No health check for this long is silent; default 15s.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl servers" watch' -l 'watch' -d 'Refresh every --interval: in place on a terminal, one snapshot per interval when piped.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl servers" interval' -l 'interval' -d 'Time between refreshes with --watch: 2s, 500ms, 1m30s or plain seconds; 500ms to 1h (default 2s).' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl servers" count' -l 'count' -d 'With --watch, stop after N refreshes.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl servers" version' -l 'version' -d 'Show the version.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl servers" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl exporter" b bootstrap-servers kafka-uri' -s 'b' -l 'bootstrap-servers' -l 'kafka-uri' -d 'Kafka bootstrap servers, host:port[,host:port…].' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl exporter"' -s 'X' -l 'property' -d 'A librdkafka property, repeatable; applied last.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl exporter" context' -l 'context' -d 'A context from the config file.' -rfka '(__hyphactl_custom_completion ---completion exporter -- --context (count (__hyphactl_tokens -pc)) (__hyphactl_tokens -tC))'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl exporter" timeout' -l 'timeout' -d 'Bound on connecting and on every admin call: 10s, 500ms, 1m, or plain seconds; default 10s.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl exporter" v verbose' -s 'v' -l 'verbose' -d 'librdkafka\'s log lines and debug lines on stderr.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl exporter" no-color' -l 'no-color' -d 'Plain output, no colour (also when NO_COLOR is set).'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl exporter" listen' -l 'listen' -d 'Where to serve /metrics: HOST:PORT, [IPv6]:PORT or :PORT.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl exporter" min-interval' -l 'min-interval' -d 'Scrapes closer together than this get the last answer; default 5s.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl exporter" max-lag' -l 'max-lag' -d 'A total lag over N makes a server lagging.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl exporter" silence' -l 'silence' -d 'No health check for this long makes a server silent; default 15s.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl exporter" version' -l 'version' -d 'Show the version.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl exporter" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl emit" b bootstrap-servers kafka-uri' -s 'b' -l 'bootstrap-servers' -l 'kafka-uri' -d 'Kafka bootstrap servers, host:port[,host:port…].' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl emit"' -s 'X' -l 'property' -d 'A librdkafka property, repeatable; applied last.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl emit" context' -l 'context' -d 'A context from the config file.' -rfka '(__hyphactl_custom_completion ---completion emit -- --context (count (__hyphactl_tokens -pc)) (__hyphactl_tokens -tC))'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl emit" timeout' -l 'timeout' -d 'Bound on connecting and on every admin call: 10s, 500ms, 1m, or plain seconds; default 10s.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl emit" v verbose' -s 'v' -l 'verbose' -d 'librdkafka\'s log lines and debug lines on stderr.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl emit" no-color' -l 'no-color' -d 'Plain output, no colour (also when NO_COLOR is set).'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_positional "hyphactl emit" -eq 1' -fka '(__hyphactl_custom_completion ---completion emit -- positional@0 (count (__hyphactl_tokens -pc)) (__hyphactl_tokens -tC))'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl emit" json' -l 'json' -d 'Send DATA as d: (JSON); not JSON: exit 65.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl emit" string text' -l 'string' -l 'text' -d 'Send DATA as s: (text), even when it looks like JSON.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl emit" binary' -l 'binary' -d 'Send DATA as b: (bytes), as they are.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl emit" f file' -s 'f' -l 'file' -d 'Read the data from this file (\'-\': stdin).' -rF
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl emit" lines' -l 'lines' -d 'Each input line is one event, sent as soon as it is read.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl emit" jsonl' -l 'jsonl' -d 'Each input line is a record of `tail -f jsonl`: replay a recorded stream, or mirror a live one.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl emit" check-first' -l 'check-first' -d 'With --lines or --jsonl: check every line before sending any (a file, not a pipe).'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl emit" allow-loop' -l 'allow-loop' -d 'With --jsonl: send records read from this same cluster too (a mirror into itself).'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl emit" repeat' -l 'repeat' -d 'Send each event this many times.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl emit" o output' -s 'o' -l 'output' -d 'Output: a summary line, or one JSON line per event.' -rfka 'text json'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl emit" version' -l 'version' -d 'Show the version.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl emit" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl tail" b bootstrap-servers kafka-uri' -s 'b' -l 'bootstrap-servers' -l 'kafka-uri' -d 'Kafka bootstrap servers, host:port[,host:port…].' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl tail"' -s 'X' -l 'property' -d 'A librdkafka property, repeatable; applied last.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl tail" context' -l 'context' -d 'A context from the config file.' -rfka '(__hyphactl_custom_completion ---completion tail -- --context (count (__hyphactl_tokens -pc)) (__hyphactl_tokens -tC))'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl tail" timeout' -l 'timeout' -d 'Bound on connecting and on every admin call: 10s, 500ms, 1m, or plain seconds; default 10s.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl tail" v verbose' -s 'v' -l 'verbose' -d 'librdkafka\'s log lines and debug lines on stderr.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl tail" no-color' -l 'no-color' -d 'Plain output, no colour (also when NO_COLOR is set).'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_positional "hyphactl tail" -ge 1' -fka '(__hyphactl_custom_completion ---completion tail -- positional@0 (count (__hyphactl_tokens -pc)) (__hyphactl_tokens -tC))'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl tail" all' -l 'all' -d 'Every Hypha event topic.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl tail" from-beginning' -l 'from-beginning' -d 'Start at the oldest stored event.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl tail" offset' -l 'offset' -d 'Start at this offset; negative: that many before the end (--offset -10).' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl tail" since' -l 'since' -d 'Start at a time: as tail prints it (2026-12-06 06:11:39.597, local), ISO-8601, Unix seconds, or an age like 10m, 1h30m, 2d.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl tail" until' -l 'until' -d 'Stop at a time: events stamped after it are not shown; the same forms as --since.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl tail" n' -s 'n' -d 'Stop after this many events.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl tail" e' -s 'e' -d 'Stop at the end offsets as they were at start.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl tail" p partition' -s 'p' -l 'partition' -d 'Only this partition.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl tail" f format o output' -s 'f' -l 'format' -s 'o' -l 'output' -d 'Output format; -o is the same option, as in the other commands.' -rfka 'pretty jsonl raw'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl tail" decode' -l 'decode' -d 'Show b: payloads that are msgpack (Hypha\'s RPC messages) as JSON; others stay base64.' -rfka 'msgpack'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl tail" utc' -l 'utc' -d 'Times in UTC (pretty shows local time by default).'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl tail"' -l 'type' -d 'Only events of this type: d (JSON), s (text), b (bytes); repeatable.' -rfka 'd s b'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl tail" version' -l 'version' -d 'Show the version.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl tail" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl probe" b bootstrap-servers kafka-uri' -s 'b' -l 'bootstrap-servers' -l 'kafka-uri' -d 'Kafka bootstrap servers, host:port[,host:port…].' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl probe"' -s 'X' -l 'property' -d 'A librdkafka property, repeatable; applied last.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl probe" context' -l 'context' -d 'A context from the config file.' -rfka '(__hyphactl_custom_completion ---completion probe -- --context (count (__hyphactl_tokens -pc)) (__hyphactl_tokens -tC))'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl probe" timeout' -l 'timeout' -d 'Bound on connecting and on every admin call: 10s, 500ms, 1m, or plain seconds; default 10s.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl probe" v verbose' -s 'v' -l 'verbose' -d 'librdkafka\'s log lines and debug lines on stderr.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl probe" no-color' -l 'no-color' -d 'Plain output, no colour (also when NO_COLOR is set).'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl probe" count' -l 'count' -d 'How many probe events.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl probe" o output' -s 'o' -l 'output' -d 'Output format.' -rfka 'text json'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl probe" metrics' -l 'metrics' -d 'Also print the bus\'s metrics in Prometheus\' text format.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl probe" version' -l 'version' -d 'Show the version.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl probe" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_positional "hyphactl generate" -eq 1' -fka 'compose k8s'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl generate" f file' -s 'f' -l 'file' -d 'The deployment description.' -rfa '(set -l exts \'yaml\' \'yml\';for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.{$exts};printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl generate" o output' -s 'o' -l 'output' -d 'Write here instead of stdout (replaced whole, never half-written); unlike other commands\' -o, a file.' -rF
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl generate" check' -l 'check' -d 'Compare with this file instead of writing: exit 1 and a diff when it differs.' -rF
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl generate" version' -l 'version' -d 'Show the version.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl generate" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl config" version' -l 'version' -d 'Show the version.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl config" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_positional "hyphactl config" -eq 1' -fa 'get-contexts' -d 'List the contexts; * marks the current one.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_positional "hyphactl config" -eq 1' -fa 'use-context' -d 'Make a context the current one (the rest of the file is kept as it is).'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_positional "hyphactl config" -eq 1' -fa 'view' -d 'Show the config file, each secret as *** with where it comes from.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl config get-contexts" o output' -s 'o' -l 'output' -d 'Output format; wide: the table whole, never fitted to the terminal.' -rfka 'table wide json'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl config get-contexts" version' -l 'version' -d 'Show the version.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl config get-contexts" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_positional "hyphactl config use-context" -eq 1' -fka '(__hyphactl_custom_completion ---completion config use-context -- positional@0 (count (__hyphactl_tokens -pc)) (__hyphactl_tokens -tC))'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl config use-context" version' -l 'version' -d 'Show the version.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl config use-context" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl config view" version' -l 'version' -d 'Show the version.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl config view" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl doctor" b bootstrap-servers kafka-uri' -s 'b' -l 'bootstrap-servers' -l 'kafka-uri' -d 'Kafka bootstrap servers, host:port[,host:port…].' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl doctor"' -s 'X' -l 'property' -d 'A librdkafka property, repeatable; applied last.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl doctor" context' -l 'context' -d 'A context from the config file.' -rfka '(__hyphactl_custom_completion ---completion doctor -- --context (count (__hyphactl_tokens -pc)) (__hyphactl_tokens -tC))'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl doctor" timeout' -l 'timeout' -d 'Bound on connecting and on every admin call: 10s, 500ms, 1m, or plain seconds; default 10s.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl doctor" v verbose' -s 'v' -l 'verbose' -d 'librdkafka\'s log lines and debug lines on stderr.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl doctor" no-color' -l 'no-color' -d 'Plain output, no colour (also when NO_COLOR is set).'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl doctor" version' -l 'version' -d 'Show the version.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl doctor" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl version" b bootstrap-servers kafka-uri' -s 'b' -l 'bootstrap-servers' -l 'kafka-uri' -d 'Kafka bootstrap servers, host:port[,host:port…].' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl version"' -s 'X' -l 'property' -d 'A librdkafka property, repeatable; applied last.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl version" context' -l 'context' -d 'A context from the config file.' -rfka '(__hyphactl_custom_completion ---completion version -- --context (count (__hyphactl_tokens -pc)) (__hyphactl_tokens -tC))'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl version" timeout' -l 'timeout' -d 'Bound on connecting and on every admin call: 10s, 500ms, 1m, or plain seconds; default 10s.' -rfka ''
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl version" v verbose' -s 'v' -l 'verbose' -d 'librdkafka\'s log lines and debug lines on stderr.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl version" no-color' -l 'no-color' -d 'Plain output, no colour (also when NO_COLOR is set).'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl version" version' -l 'version' -d 'Show the version.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl version" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hyphactl' -n '__hyphactl_should_offer_completions_for_flags_or_options "hyphactl help" version' -l 'version' -d 'Show the version.'
