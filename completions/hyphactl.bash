#!/bin/bash

__hyphactl_cursor_index_in_current_word() {
    local remaining="${COMP_LINE}"

    local word
    for word in "${COMP_WORDS[@]::COMP_CWORD}"; do
        remaining="${remaining##*([[:space:]])"${word}"*([[:space:]])}"
    done

    local -ir index="$((COMP_POINT - ${#COMP_LINE} + ${#remaining}))"
    if [[ "${index}" -le 0 ]]; then
        printf 0
    else
        printf %s "${index}"
    fi
}

# positional arguments:
#
# - 1: the current (sub)command's count of positional arguments
#
# required variables:
#
# - repeating_flags: the repeating flags that the current (sub)command can accept
# - non_repeating_flags: the non-repeating flags that the current (sub)command can accept
# - repeating_options: the repeating options that the current (sub)command can accept
# - non_repeating_options: the non-repeating options that the current (sub)command can accept
# - positional_number: value ignored
# - unparsed_words: unparsed words from the current command line
#
# modified variables:
#
# - non_repeating_flags: remove flags for this (sub)command that are already on the command line
# - non_repeating_options: remove options for this (sub)command that are already on the command line
# - positional_number: set to the current positional number
# - unparsed_words: remove all flags, options, and option values for this (sub)command
__hyphactl_offer_flags_options() {
    local -ir positional_count="${1}"
    positional_number=0

    local was_flag_option_terminator_seen=false
    local is_parsing_option_value=false

    local -ar unparsed_word_indices=("${!unparsed_words[@]}")
    local -i word_index
    for word_index in "${unparsed_word_indices[@]}"; do
        if "${is_parsing_option_value}"; then
            # This word is an option value:
            # Reset marker for next word iff not currently the last word
            [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]] && is_parsing_option_value=false
            unset "unparsed_words[${word_index}]"
            # Do not process this word as a flag or an option
            continue
        fi

        local word="${unparsed_words["${word_index}"]}"
        if ! "${was_flag_option_terminator_seen}"; then
            case "${word}" in
            --)
                unset "unparsed_words[${word_index}]"
                # by itself -- is a flag/option terminator, but if it is the last word, it is the start of a completion
                if [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]]; then
                    was_flag_option_terminator_seen=true
                fi
                continue
                ;;
            -*)
                # ${word} is a flag or an option
                # If ${word} is an option, mark that the next word to be parsed is an option value
                local option
                for option in "${repeating_options[@]}" "${non_repeating_options[@]}"; do
                    [[ "${word}" = "${option}" ]] && is_parsing_option_value=true && break
                done

                # Remove ${word} from ${non_repeating_flags} or ${non_repeating_options} so it isn't offered again
                local not_found=true
                local -i index
                for index in "${!non_repeating_flags[@]}"; do
                    if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                        unset "non_repeating_flags[${index}]"
                        non_repeating_flags=("${non_repeating_flags[@]}")
                        not_found=false
                        break
                    fi
                done
                if "${not_found}"; then
                    for index in "${!non_repeating_flags[@]}"; do
                        if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                            unset "non_repeating_flags[${index}]"
                            non_repeating_flags=("${non_repeating_flags[@]}")
                            break
                        fi
                    done
                fi
                unset "unparsed_words[${word_index}]"
                continue
                ;;
            esac
        fi

        # ${word} is neither a flag, nor an option, nor an option value
        if [[ "${positional_number}" -lt "${positional_count}" || "${positional_count}" -lt 0 ]]; then
            # ${word} is a positional
            ((positional_number++))
            unset "unparsed_words[${word_index}]"
        else
            if [[ -z "${word}" ]]; then
                # Could be completing a flag, option, or subcommand
                positional_number=-1
            else
                # ${word} is a subcommand or invalid, so stop processing this (sub)command
                positional_number=-2
            fi
            break
        fi
    done

    unparsed_words=("${unparsed_words[@]}")

    if\
        ! "${was_flag_option_terminator_seen}"\
        && ! "${is_parsing_option_value}"\
        && [[ ("${cur}" = -* && "${positional_number}" -ge 0) || "${positional_number}" -eq -1 ]]
    then
        COMPREPLY+=($(compgen -W "${repeating_flags[*]} ${non_repeating_flags[*]} ${repeating_options[*]} ${non_repeating_options[*]}" -- "${cur}"))
    fi
}

__hyphactl_add_completions() {
    local completion
    while IFS='' read -r completion; do
        COMPREPLY+=("${completion}")
    done < <(IFS=$'\n' compgen "${@}" -- "${cur}")
}

__hyphactl_custom_complete() {
    if [[ -n "${cur}" || -z ${COMP_WORDS[${COMP_CWORD}]} || "${COMP_LINE:${COMP_POINT}:1}" != ' ' ]]; then
        local -ar words=("${COMP_WORDS[@]}")
    else
        local -ar words=("${COMP_WORDS[@]::${COMP_CWORD}}" '' "${COMP_WORDS[@]:${COMP_CWORD}}")
    fi

    "${COMP_WORDS[0]}" "${@}" "${words[@]}"
}

_hyphactl() {
    local state
    state="$(shopt -p;shopt -po)"
    trap "${state//$'\n'/;}" RETURN
    shopt -s extglob
    set +o history +o posix

    local -xr SAP_SHELL=bash
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(IFS='.';printf %s "${BASH_VERSINFO[*]}")"
    local -r SAP_SHELL_VERSION

    local -r cur="${2}"
    local -r prev="${3}"

    local -i positional_number
    local -a unparsed_words=("${COMP_WORDS[@]:1:${COMP_CWORD}}")

    local -a repeating_flags=()
    local -a non_repeating_flags=(-v --verbose --no-color --version -h --help)
    local -a repeating_options=(-X --property)
    local -a non_repeating_options=(-b --bootstrap-servers --kafka-uri --context --timeout)
    __hyphactl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-b'|'--bootstrap-servers'|'--kafka-uri')
        return
        ;;
    '-X'|'--property')
        return
        ;;
    '--context')
        __hyphactl_add_completions -W "$(__hyphactl_custom_complete ---completion -- --context "${COMP_CWORD}" "$(__hyphactl_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    esac

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    topics|groups|servers|exporter|emit|tail|probe|generate|config|doctor|version|help)
        # Offer subcommand argument completions
        "_hyphactl_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'topics groups servers exporter emit tail probe generate config doctor version help' -- "${cur}"))
        ;;
    esac
}

_hyphactl_topics() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __hyphactl_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    list|describe|create|delete)
        # Offer subcommand argument completions
        "_hyphactl_topics_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'list describe create delete' -- "${cur}"))
        ;;
    esac
}

_hyphactl_topics_list() {
    repeating_flags=()
    non_repeating_flags=(-v --verbose --no-color --all --version -h --help)
    repeating_options=(-X --property)
    non_repeating_options=(-b --bootstrap-servers --kafka-uri --context --timeout -o --output)
    __hyphactl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-b'|'--bootstrap-servers'|'--kafka-uri')
        return
        ;;
    '-X'|'--property')
        return
        ;;
    '--context')
        __hyphactl_add_completions -W "$(__hyphactl_custom_complete ---completion topics list -- --context "${COMP_CWORD}" "$(__hyphactl_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '-o'|'--output')
        __hyphactl_add_completions -W 'table'$'\n''wide'$'\n''json'
        return
        ;;
    esac
}

_hyphactl_topics_describe() {
    repeating_flags=()
    non_repeating_flags=(-v --verbose --no-color --version -h --help)
    repeating_options=(-X --property)
    non_repeating_options=(-b --bootstrap-servers --kafka-uri --context --timeout -o --output)
    __hyphactl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-b'|'--bootstrap-servers'|'--kafka-uri')
        return
        ;;
    '-X'|'--property')
        return
        ;;
    '--context')
        __hyphactl_add_completions -W "$(__hyphactl_custom_complete ---completion topics describe -- --context "${COMP_CWORD}" "$(__hyphactl_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '-o'|'--output')
        __hyphactl_add_completions -W 'table'$'\n''wide'$'\n''json'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __hyphactl_add_completions -W "$(__hyphactl_custom_complete ---completion topics describe -- positional@0 "${COMP_CWORD}" "$(__hyphactl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_hyphactl_topics_create() {
    repeating_flags=()
    non_repeating_flags=(-v --verbose --no-color --version -h --help)
    repeating_options=(-X --property --config)
    non_repeating_options=(-b --bootstrap-servers --kafka-uri --context --timeout -p --partitions -r --replication-factor)
    __hyphactl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-b'|'--bootstrap-servers'|'--kafka-uri')
        return
        ;;
    '-X'|'--property')
        return
        ;;
    '--context')
        __hyphactl_add_completions -W "$(__hyphactl_custom_complete ---completion topics create -- --context "${COMP_CWORD}" "$(__hyphactl_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '-p'|'--partitions')
        return
        ;;
    '-r'|'--replication-factor')
        return
        ;;
    '--config')
        return
        ;;
    esac
}

_hyphactl_topics_delete() {
    repeating_flags=()
    non_repeating_flags=(-v --verbose --no-color -y --yes --version -h --help)
    repeating_options=(-X --property)
    non_repeating_options=(-b --bootstrap-servers --kafka-uri --context --timeout)
    __hyphactl_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-b'|'--bootstrap-servers'|'--kafka-uri')
        return
        ;;
    '-X'|'--property')
        return
        ;;
    '--context')
        __hyphactl_add_completions -W "$(__hyphactl_custom_complete ---completion topics delete -- --context "${COMP_CWORD}" "$(__hyphactl_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __hyphactl_add_completions -W "$(__hyphactl_custom_complete ---completion topics delete -- positional@0 "${COMP_CWORD}" "$(__hyphactl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_hyphactl_groups() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __hyphactl_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    list|describe|reset-offsets|delete)
        # Offer subcommand argument completions
        "_hyphactl_groups_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'list describe reset-offsets delete' -- "${cur}"))
        ;;
    esac
}

_hyphactl_groups_list() {
    repeating_flags=()
    non_repeating_flags=(-v --verbose --no-color --all --version -h --help)
    repeating_options=(-X --property)
    non_repeating_options=(-b --bootstrap-servers --kafka-uri --context --timeout -o --output)
    __hyphactl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-b'|'--bootstrap-servers'|'--kafka-uri')
        return
        ;;
    '-X'|'--property')
        return
        ;;
    '--context')
        __hyphactl_add_completions -W "$(__hyphactl_custom_complete ---completion groups list -- --context "${COMP_CWORD}" "$(__hyphactl_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '-o'|'--output')
        __hyphactl_add_completions -W 'table'$'\n''wide'$'\n''json'
        return
        ;;
    esac
}

_hyphactl_groups_describe() {
    repeating_flags=()
    non_repeating_flags=(-v --verbose --no-color --all --watch --version -h --help)
    repeating_options=(-X --property)
    non_repeating_options=(-b --bootstrap-servers --kafka-uri --context --timeout -o --output --max-lag --max-lag-seconds --interval --count)
    __hyphactl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-b'|'--bootstrap-servers'|'--kafka-uri')
        return
        ;;
    '-X'|'--property')
        return
        ;;
    '--context')
        __hyphactl_add_completions -W "$(__hyphactl_custom_complete ---completion groups describe -- --context "${COMP_CWORD}" "$(__hyphactl_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '-o'|'--output')
        __hyphactl_add_completions -W 'table'$'\n''wide'$'\n''json'
        return
        ;;
    '--max-lag')
        return
        ;;
    '--max-lag-seconds')
        return
        ;;
    '--interval')
        return
        ;;
    '--count')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __hyphactl_add_completions -W "$(__hyphactl_custom_complete ---completion groups describe -- positional@0 "${COMP_CWORD}" "$(__hyphactl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_hyphactl_groups_reset-offsets() {
    repeating_flags=()
    non_repeating_flags=(-v --verbose --no-color --to-earliest --to-latest --execute --version -h --help)
    repeating_options=(-X --property --event)
    non_repeating_options=(-b --bootstrap-servers --kafka-uri --context --timeout --to-datetime --by-duration --to-offset --shift-by -o --output)
    __hyphactl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-b'|'--bootstrap-servers'|'--kafka-uri')
        return
        ;;
    '-X'|'--property')
        return
        ;;
    '--context')
        __hyphactl_add_completions -W "$(__hyphactl_custom_complete ---completion groups reset-offsets -- --context "${COMP_CWORD}" "$(__hyphactl_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--to-datetime')
        return
        ;;
    '--by-duration')
        return
        ;;
    '--to-offset')
        return
        ;;
    '--shift-by')
        return
        ;;
    '--event')
        __hyphactl_add_completions -W "$(__hyphactl_custom_complete ---completion groups reset-offsets -- --event "${COMP_CWORD}" "$(__hyphactl_cursor_index_in_current_word)")"
        return
        ;;
    '-o'|'--output')
        __hyphactl_add_completions -W 'table'$'\n''wide'$'\n''json'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __hyphactl_add_completions -W "$(__hyphactl_custom_complete ---completion groups reset-offsets -- positional@0 "${COMP_CWORD}" "$(__hyphactl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_hyphactl_groups_delete() {
    repeating_flags=()
    non_repeating_flags=(-v --verbose --no-color -y --yes --version -h --help)
    repeating_options=(-X --property)
    non_repeating_options=(-b --bootstrap-servers --kafka-uri --context --timeout)
    __hyphactl_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-b'|'--bootstrap-servers'|'--kafka-uri')
        return
        ;;
    '-X'|'--property')
        return
        ;;
    '--context')
        __hyphactl_add_completions -W "$(__hyphactl_custom_complete ---completion groups delete -- --context "${COMP_CWORD}" "$(__hyphactl_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __hyphactl_add_completions -W "$(__hyphactl_custom_complete ---completion groups delete -- positional@0 "${COMP_CWORD}" "$(__hyphactl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_hyphactl_servers() {
    repeating_flags=()
    non_repeating_flags=(-v --verbose --no-color --check --watch --version -h --help)
    repeating_options=(-X --property)
    non_repeating_options=(-b --bootstrap-servers --kafka-uri --context --timeout -o --output --max-lag --max-lag-seconds --silence --interval --count)
    __hyphactl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-b'|'--bootstrap-servers'|'--kafka-uri')
        return
        ;;
    '-X'|'--property')
        return
        ;;
    '--context')
        __hyphactl_add_completions -W "$(__hyphactl_custom_complete ---completion servers -- --context "${COMP_CWORD}" "$(__hyphactl_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '-o'|'--output')
        __hyphactl_add_completions -W 'table'$'\n''wide'$'\n''json'
        return
        ;;
    '--max-lag')
        return
        ;;
    '--max-lag-seconds')
        return
        ;;
    '--silence')
        return
        ;;
    '--interval')
        return
        ;;
    '--count')
        return
        ;;
    esac
}

_hyphactl_exporter() {
    repeating_flags=()
    non_repeating_flags=(-v --verbose --no-color --version -h --help)
    repeating_options=(-X --property)
    non_repeating_options=(-b --bootstrap-servers --kafka-uri --context --timeout --listen --min-interval --max-lag --silence)
    __hyphactl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-b'|'--bootstrap-servers'|'--kafka-uri')
        return
        ;;
    '-X'|'--property')
        return
        ;;
    '--context')
        __hyphactl_add_completions -W "$(__hyphactl_custom_complete ---completion exporter -- --context "${COMP_CWORD}" "$(__hyphactl_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--listen')
        return
        ;;
    '--min-interval')
        return
        ;;
    '--max-lag')
        return
        ;;
    '--silence')
        return
        ;;
    esac
}

_hyphactl_emit() {
    repeating_flags=()
    non_repeating_flags=(-v --verbose --no-color --json --string --text --binary --lines --jsonl --check-first --allow-loop --version -h --help)
    repeating_options=(-X --property)
    non_repeating_options=(-b --bootstrap-servers --kafka-uri --context --timeout -f --file --repeat -o --output)
    __hyphactl_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '-b'|'--bootstrap-servers'|'--kafka-uri')
        return
        ;;
    '-X'|'--property')
        return
        ;;
    '--context')
        __hyphactl_add_completions -W "$(__hyphactl_custom_complete ---completion emit -- --context "${COMP_CWORD}" "$(__hyphactl_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '-f'|'--file')
        __hyphactl_add_completions -f
        return
        ;;
    '--repeat')
        return
        ;;
    '-o'|'--output')
        __hyphactl_add_completions -W 'text'$'\n''json'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __hyphactl_add_completions -W "$(__hyphactl_custom_complete ---completion emit -- positional@0 "${COMP_CWORD}" "$(__hyphactl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_hyphactl_tail() {
    repeating_flags=()
    non_repeating_flags=(-v --verbose --no-color --all --from-beginning -e --utc --version -h --help)
    repeating_options=(-X --property --type)
    non_repeating_options=(-b --bootstrap-servers --kafka-uri --context --timeout --offset --since --until -n -p --partition -f --format -o --output --decode)
    __hyphactl_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-b'|'--bootstrap-servers'|'--kafka-uri')
        return
        ;;
    '-X'|'--property')
        return
        ;;
    '--context')
        __hyphactl_add_completions -W "$(__hyphactl_custom_complete ---completion tail -- --context "${COMP_CWORD}" "$(__hyphactl_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--offset')
        return
        ;;
    '--since')
        return
        ;;
    '--until')
        return
        ;;
    '-n')
        return
        ;;
    '-p'|'--partition')
        return
        ;;
    '-f'|'--format'|'-o'|'--output')
        __hyphactl_add_completions -W 'pretty'$'\n''jsonl'$'\n''raw'
        return
        ;;
    '--decode')
        __hyphactl_add_completions -W 'msgpack'
        return
        ;;
    '--type')
        __hyphactl_add_completions -W 'd'$'\n''s'$'\n''b'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __hyphactl_add_completions -W "$(__hyphactl_custom_complete ---completion tail -- positional@0 "${COMP_CWORD}" "$(__hyphactl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_hyphactl_probe() {
    repeating_flags=()
    non_repeating_flags=(-v --verbose --no-color --metrics --version -h --help)
    repeating_options=(-X --property)
    non_repeating_options=(-b --bootstrap-servers --kafka-uri --context --timeout --count -o --output)
    __hyphactl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-b'|'--bootstrap-servers'|'--kafka-uri')
        return
        ;;
    '-X'|'--property')
        return
        ;;
    '--context')
        __hyphactl_add_completions -W "$(__hyphactl_custom_complete ---completion probe -- --context "${COMP_CWORD}" "$(__hyphactl_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--count')
        return
        ;;
    '-o'|'--output')
        __hyphactl_add_completions -W 'text'$'\n''json'
        return
        ;;
    esac
}

_hyphactl_generate() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(-f --file -o --output --check)
    __hyphactl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-f'|'--file')
        __hyphactl_add_completions -o plusdirs -fX '!*.@(yaml|yml)'
        return
        ;;
    '-o'|'--output')
        __hyphactl_add_completions -f
        return
        ;;
    '--check')
        __hyphactl_add_completions -f
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __hyphactl_add_completions -W 'compose'$'\n''k8s'
        return
        ;;
    esac
}

_hyphactl_config() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __hyphactl_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    get-contexts|use-context|view)
        # Offer subcommand argument completions
        "_hyphactl_config_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'get-contexts use-context view' -- "${cur}"))
        ;;
    esac
}

_hyphactl_config_get-contexts() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(-o --output)
    __hyphactl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-o'|'--output')
        __hyphactl_add_completions -W 'table'$'\n''wide'$'\n''json'
        return
        ;;
    esac
}

_hyphactl_config_use-context() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __hyphactl_offer_flags_options 1

    # Offer positional completions
    case "${positional_number}" in
    1)
        __hyphactl_add_completions -W "$(__hyphactl_custom_complete ---completion config use-context -- positional@0 "${COMP_CWORD}" "$(__hyphactl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_hyphactl_config_view() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __hyphactl_offer_flags_options 0
}

_hyphactl_doctor() {
    repeating_flags=()
    non_repeating_flags=(-v --verbose --no-color --version -h --help)
    repeating_options=(-X --property)
    non_repeating_options=(-b --bootstrap-servers --kafka-uri --context --timeout)
    __hyphactl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-b'|'--bootstrap-servers'|'--kafka-uri')
        return
        ;;
    '-X'|'--property')
        return
        ;;
    '--context')
        __hyphactl_add_completions -W "$(__hyphactl_custom_complete ---completion doctor -- --context "${COMP_CWORD}" "$(__hyphactl_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    esac
}

_hyphactl_version() {
    repeating_flags=()
    non_repeating_flags=(-v --verbose --no-color --version -h --help)
    repeating_options=(-X --property)
    non_repeating_options=(-b --bootstrap-servers --kafka-uri --context --timeout)
    __hyphactl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-b'|'--bootstrap-servers'|'--kafka-uri')
        return
        ;;
    '-X'|'--property')
        return
        ;;
    '--context')
        __hyphactl_add_completions -W "$(__hyphactl_custom_complete ---completion version -- --context "${COMP_CWORD}" "$(__hyphactl_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    esac
}

_hyphactl_help() {
    repeating_flags=()
    non_repeating_flags=(--version)
    repeating_options=()
    non_repeating_options=()
    __hyphactl_offer_flags_options -1
}

complete -o filenames -F _hyphactl hyphactl
