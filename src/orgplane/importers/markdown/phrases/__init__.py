"""Pure phrase grammars: codes and names, dependency phrases, lists, planning rules."""
