; Code units: every function (methods and nested functions included) and class.
(function_definition) @function
(class_definition) @class
