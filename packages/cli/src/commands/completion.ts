import type { Command } from 'commander';
import { CliError, EXIT } from '../errors.ts';

/** Every command path with its subcommands and options, read from the commander tree. */
function tree(command: Command, path: string[] = []): Array<{ path: string[]; words: string[] }> {
  const words = [
    ...command.commands.map((c) => c.name()),
    ...command.options.flatMap((o) => [o.long, o.short].filter((x): x is string => Boolean(x))),
    '--help',
  ];
  return [{ path, words }, ...command.commands.flatMap((c) => tree(c, [...path, c.name()]))];
}

function bash(program: Command): string {
  const cases = tree(program)
    .map(({ path, words }) => `    "${path.join(' ')}") words="${words.join(' ')}" ;;`)
    .join('\n');
  return `# bookflow completion for bash: eval "$(bookflow completion bash)" (e.g. in ~/.bashrc)
_bookflow() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" words="" w
  for w in "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    case "$w" in -*) ;; *) if [ -z "$path" ]; then path="$w"; else path="$path $w"; fi ;; esac
  done
  while :; do
    case "$path" in
${cases}
    *) path="\${path% *}"; [ "$path" = "\${path% *}" ] && [ -n "$path" ] && path="" && continue ;;
    esac
    break
  done
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
}
complete -F _bookflow bookflow
`;
}

function zsh(program: Command): string {
  return `#compdef bookflow
# bookflow completion for zsh: eval "$(bookflow completion zsh)" (e.g. in ~/.zshrc, after compinit)
autoload -U bashcompinit && bashcompinit
${bash(program)}`;
}

export function completionCommand(program: Command): void {
  program
    .command('completion <shell>')
    .description('print a completion script for bash or zsh: eval "$(bookflow completion bash)"')
    .action((shell: string) => {
      if (shell === 'bash') process.stdout.write(bash(program));
      else if (shell === 'zsh') process.stdout.write(zsh(program));
      else throw new CliError(`no completion for "${shell}"`, EXIT.usage, 'choose bash or zsh');
    });
}
