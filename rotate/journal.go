package rotate

import (
	"errors"
	"fmt"
	"os"
)

// A rollover is a sequence of renames. Before the first one, the rotating process writes an
// intent file (path + ".rotating") holding the destination of the base file; it removes it
// after the new base file is open. Finding the intent file on open means a rollover was
// interrupted (a crash, a kill -9), and the opener finishes it: see SizeFile and TimedFile for
// what each detects. The intent file is not fsynced: it covers a process crash, not a power
// failure (which the rename sequence itself does not survive unsynced either).
func journalName(path string) string { return path + ".rotating" }

func writeJournal(path, dest string) error {
	if err := os.WriteFile(journalName(path), []byte(dest), 0o644); err != nil {
		return fmt.Errorf("rotate %s: write intent: %w", path, err)
	}
	return nil
}

// readJournal returns the recorded destination and whether an intent file was found.
func readJournal(path string) (string, bool, error) {
	b, err := os.ReadFile(journalName(path))
	if errors.Is(err, os.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("rotate %s: read intent: %w", path, err)
	}
	return string(b), true, nil
}

func removeJournal(path string) error {
	if err := os.Remove(journalName(path)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("rotate %s: remove intent: %w", path, err)
	}
	return nil
}
