// Merge
