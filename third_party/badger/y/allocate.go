package y

// AllocateFault, when set (only by clickhunt's storage tests), is called
// before each allocation of file space with the file's name; an error it
// returns (ENOSPC) stands for the file system's, so tests walk every path
// a disk that fills takes without filling one.
var AllocateFault func(path string) error
