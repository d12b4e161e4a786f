# Strings and lists are copied between the two linear memories through the
# callee's realloc; the string result comes back through memory.
func(name: string, tags: list<string>) -> result<string, u32>
