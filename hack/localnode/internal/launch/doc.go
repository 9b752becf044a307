// Package launch turns a container of a pod into a host process description: argument vector, environment and
// working directory. Everything here is pure (no API calls, no file system), so the translation rules that
// make a container run outside its image are unit-tested on their own.
package launch
