export interface PythonSuite {
  dir: string;
  match: string[];
}
export declare const PYTHON_SUITES: PythonSuite[];
export declare function selectPythonSuites(filters: string[]): PythonSuite[];
/** `python`: the interpreter found; `problem`: what is missing, naming the Debian packages. */
export declare function checkPython(): { python?: string; problem?: string };
export declare function runPythonSuites(suites: PythonSuite[]): Promise<number>;
