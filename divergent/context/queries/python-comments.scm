; Comments, to tell comment-only lines from code lines.
(comment) @comment
