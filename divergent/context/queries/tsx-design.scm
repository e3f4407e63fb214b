; inherits: typescript
; Design structure of TSX code: TypeScript's query, read with the TSX grammar.
