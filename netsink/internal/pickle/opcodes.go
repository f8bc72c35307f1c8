package pickle

// opcodes maps each opcode byte to the method family that runs it; nil is unknown.
// Names follow Python's pickletools.
var opcodes = [256]op{
	// framing and protocol
	0x80: (*machine).proto, // PROTO
	0x95: (*machine).frame, // FRAME
	'.':  (*machine).stop,  // STOP

	// constants and numbers
	'N':  (*machine).constant, // NONE
	0x88: (*machine).constant, // NEWTRUE
	0x89: (*machine).constant, // NEWFALSE
	'I':  (*machine).textInt,  // INT
	'L':  (*machine).textInt,  // LONG
	'J':  (*machine).binInt,   // BININT
	'K':  (*machine).binInt,   // BININT1
	'M':  (*machine).binInt,   // BININT2
	0x8a: (*machine).long,     // LONG1
	0x8b: (*machine).long,     // LONG4
	'F':  (*machine).float,    // FLOAT
	'G':  (*machine).float,    // BINFLOAT

	// strings and bytes
	'S':  (*machine).quotedString, // STRING
	'V':  (*machine).unicodeLine,  // UNICODE
	'T':  (*machine).counted,      // BINSTRING
	'U':  (*machine).counted,      // SHORT_BINSTRING
	'X':  (*machine).counted,      // BINUNICODE
	0x8c: (*machine).counted,      // SHORT_BINUNICODE
	0x8d: (*machine).counted,      // BINUNICODE8
	'B':  (*machine).counted,      // BINBYTES
	'C':  (*machine).counted,      // SHORT_BINBYTES
	0x8e: (*machine).counted,      // BINBYTES8
	0x96: (*machine).counted,      // BYTEARRAY8

	// containers
	'(':  (*machine).mark,       // MARK
	'}':  (*machine).empty,      // EMPTY_DICT
	']':  (*machine).empty,      // EMPTY_LIST
	')':  (*machine).empty,      // EMPTY_TUPLE
	0x8f: (*machine).empty,      // EMPTY_SET
	'd':  (*machine).fromMark,   // DICT
	'l':  (*machine).fromMark,   // LIST
	't':  (*machine).fromMark,   // TUPLE
	0x91: (*machine).fromMark,   // FROZENSET
	0x85: (*machine).tupleN,     // TUPLE1
	0x86: (*machine).tupleN,     // TUPLE2
	0x87: (*machine).tupleN,     // TUPLE3
	'a':  (*machine).appendOne,  // APPEND
	'e':  (*machine).appendMany, // APPENDS
	0x90: (*machine).appendMany, // ADDITEMS
	's':  (*machine).setItem,    // SETITEM
	'u':  (*machine).setItems,   // SETITEMS

	// stack and memo
	'0':  (*machine).popTop,    // POP
	'1':  (*machine).popMarkOp, // POP_MARK
	'2':  (*machine).dup,       // DUP
	'g':  (*machine).get,       // GET
	'h':  (*machine).get,       // BINGET
	'j':  (*machine).get,       // LONG_BINGET
	'p':  (*machine).put,       // PUT
	'q':  (*machine).put,       // BINPUT
	'r':  (*machine).put,       // LONG_BINPUT
	0x94: (*machine).put,       // MEMOIZE

	// objects: allowlisted constructors are interpreted, everything else refused
	'c':  (*machine).globalLine,  // GLOBAL
	0x93: (*machine).stackGlobal, // STACK_GLOBAL
	'R':  (*machine).reduce,      // REDUCE
	'i':  (*machine).refused,     // INST
	'o':  (*machine).refused,     // OBJ
	'b':  (*machine).refused,     // BUILD
	0x81: (*machine).refused,     // NEWOBJ
	0x92: (*machine).refused,     // NEWOBJ_EX
	0x82: (*machine).refused,     // EXT1
	0x83: (*machine).refused,     // EXT2
	0x84: (*machine).refused,     // EXT4
	'P':  (*machine).refused,     // PERSID
	'Q':  (*machine).refused,     // BINPERSID
	0x97: (*machine).refused,     // NEXT_BUFFER
	0x98: (*machine).refused,     // READONLY_BUFFER
}

// refusedNames names the refused opcodes in errors.
var refusedNames = map[byte]string{
	'i': "INST", 'o': "OBJ", 'b': "BUILD",
	0x81: "NEWOBJ", 0x92: "NEWOBJ_EX", 0x82: "EXT1", 0x83: "EXT2", 0x84: "EXT4",
	'P': "PERSID", 'Q': "BINPERSID", 0x97: "NEXT_BUFFER", 0x98: "READONLY_BUFFER",
}
