# bash completion for tockemu: commands, each command's options, file names where a file goes.
_tockemu() {
    local cur prev cmd
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    cmd=${COMP_WORDS[1]}
    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "boot run inspect map bench --help --version -v --log-level" -- "$cur"))
        return
    fi
    case $prev in
        --kernel) COMPREPLY=($(compgen -f -X '!*.elf' -- "$cur") $(compgen -d -- "$cur")); return ;;
        --app) COMPREPLY=($(compgen -f -X '!*.@(tbf|tab)' -- "$cur") $(compgen -d -- "$cur")); return ;;
        --flash|--junit|--json|--trace|-o|--firmware|--firmware-dir|--scenario)
            COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --log-level) COMPREPLY=($(compgen -W "trace debug info warn error off" -- "$cur")); return ;;
        --format) COMPREPLY=($(compgen -W "svg text ansi" -- "$cur")); return ;;
    esac
    local opts
    case $cmd in
        boot) opts="--kernel --app --flash --time --core-hz --explain --trace-mpu --leds --realtime
                    --no-input --input-at --gdb -s -S --gdb-listen --help" ;;
        run) opts="--junit --json -j --shard --seed --trace --summary --console --explain
                   --firmware --gdb -s -S --help" ;;
        map) opts="--kernel --app --scenario --at --each-switch --max --time --process --format -o
                   --help" ;;
        bench) opts="--list --iterations --no-qemu --repeat --firmware-dir --kernel --name --help" ;;
        inspect) opts="--help" ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}
shopt -s extglob 2>/dev/null
complete -o filenames -F _tockemu tockemu
