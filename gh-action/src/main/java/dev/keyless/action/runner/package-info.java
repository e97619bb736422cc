/**
 * The small part of the GitHub Actions toolkit the action needs, in plain Java: inputs from {@code
 * INPUT_*}, outputs and step summary files, and workflow commands on stdout ({@code ::add-mask::},
 * {@code ::group::}, {@code ::error::}, {@code ::debug::}) escaped as {@code @actions/core} escapes
 * them. Knows nothing about Keyless.
 */
package dev.keyless.action.runner;
