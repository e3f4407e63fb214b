; inherits: typescript
; Static figures of TSX code: TypeScript's query, read with the TSX grammar.
