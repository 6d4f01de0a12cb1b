//! The performance cycle (e-Kinerja): the cycle definition as data, a person's plan (results and
//! indicators) and its status workflow, classroom observations, evidence, reflection and predikat.
