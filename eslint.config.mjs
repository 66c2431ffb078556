// Lint rules: typescript-eslint's type-checked set, plus the project's own conventions.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["node_modules/", "bin/", "eslint.config.mjs"] },
    js.configs.recommended,
    ...tseslint.configs.recommendedTypeChecked,
    {
        languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
        rules: {
            // An Output in a template literal renders as a warning string, not its value:
            // use pulumi.interpolate or apply.
            "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true, allowBoolean: true }],
            "@typescript-eslint/no-floating-promises": "error",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
        },
    },
    {
        // Tests edit plain JSON fixtures in place (`v.cluster.nodes[0].role = "agent"`); typing
        // every fixture shape would hide what each case changes.
        files: ["test/**/*.ts"],
        rules: {
            "@typescript-eslint/no-explicit-any": "off",
            "@typescript-eslint/no-unsafe-member-access": "off",
            "@typescript-eslint/no-unsafe-assignment": "off",
            "@typescript-eslint/no-unsafe-call": "off",
            "@typescript-eslint/no-unsafe-return": "off",
            "@typescript-eslint/no-unsafe-argument": "off",
            "@typescript-eslint/no-non-null-assertion": "off",
        },
    },
    {
        // Plain CommonJS that github-script loads (impact-comment.js): no type information.
        files: ["scripts/**/*.js"],
        ...tseslint.configs.disableTypeChecked,
        languageOptions: {
            sourceType: "commonjs",
            globals: { module: "writable", require: "readonly" },
            parserOptions: { projectService: false, project: false },
        },
    },
    {
        // Config is read in exactly one place (stacks/config/load.ts); components receive typed args.
        files: ["components/**/*.ts"],
        rules: {
            "no-restricted-syntax": [
                "error",
                {
                    selector: "NewExpression[callee.property.name='Config']",
                    message: "Components never read config; take it as an Args field.",
                },
            ],
        },
    },
);
